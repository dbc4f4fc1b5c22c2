#!/usr/bin/python3
"""Sends COUNT copies of a message file over SESSIONS parallel SMTP sessions,
going on after rejections (smtp-source stops at the first 5xx); prints the
replies to the end of DATA counted by code.

    soak-send.py HOST:PORT FILE RCPT COUNT SESSIONS
"""
import collections
import smtplib
import sys
import threading


def session(host, port, data, rcpt, count, tally, lock):
    smtp = smtplib.SMTP(host, port, timeout=300)
    for _ in range(count):
        try:
            smtp.sendmail("sender@example.org", [rcpt], data)
            code = 250
        except smtplib.SMTPResponseException as e:
            code = e.smtp_code
            smtp.rset()
        except smtplib.SMTPRecipientsRefused as e:
            code = list(e.recipients.values())[0][0]
            smtp.rset()
        with lock:
            tally[code] += 1
    smtp.quit()


def main(argv):
    host, port = argv[1].rsplit(":", 1)
    data = open(argv[2], "rb").read()
    count, sessions = int(argv[4]), int(argv[5])
    tally, lock = collections.Counter(), threading.Lock()
    each = [count // sessions + (1 if i < count % sessions else 0) for i in range(sessions)]
    threads = [threading.Thread(target=session, args=(host, int(port), data, argv[3], n, tally, lock))
               for n in each if n]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join("%d:%d" % kv for kv in sorted(tally.items())))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
