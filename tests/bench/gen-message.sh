#!/bin/sh
# gen-message.sh: writes to stdout a message shaped like smtp-source's 5 KB
# test message as a milter sees it (Postfix's Received header first, CRLF
# line ends, the same 5000-byte body smtp-source sends every time).  The
# Message-Id holds "000000" for scan-cost to vary.
awk 'BEGIN {
	printf "Received: from bench.example (localhost [127.0.0.1])\r\n"
	printf "\tby bench.example (Postfix) with ESMTP id 4Xk2Lm0ZQz\r\n"
	printf "\tfor <rcpt@discard.example>; Sat, 21 Nov 2026 12:00:00 +0000 (UTC)\r\n"
	printf "From: <bench@example.org>\r\nTo: <rcpt@discard.example>\r\n"
	printf "Date: Sat, 21 Nov 2026 12:00:00 +0000 (UTC)\r\n"
	printf "Message-Id: <000000.0003.0000@bench.example>\r\n\r\n"
	for (i = 1; i <= 62; i++) {
		printf "%d", i % 10
		for (j = 0; j < 77; j++) printf "X"
		printf "\r\n"
	}
	for (j = 0; j < 40; j++) printf "X"
	printf "\r\n"
}'
