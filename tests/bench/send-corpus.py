#!/usr/bin/env python3
"""send-corpus.py HOST PORT SESSIONS PER_SESSION DIR [COUNT]: sends every
DIR/*.eml (or, when DIR is a file and COUNT is given, that one message COUNT
times) over SESSIONS parallel SMTP connections, PER_SESSION messages on one
connection before it reconnects (1: a session per message, as most MX
traffic).  Prints one line of counts; exit 1 if any message was not
accepted with 250."""
import glob
import os
import smtplib
import sys
import threading


def worker(host, port, per_session, files, counts, lock):
    conn, sent, cache = None, 0, {}
    for path in files:
        if conn is None:
            conn = smtplib.SMTP(host, port, timeout=300)
        if path not in cache:
            cache = {path: open(path, "rb").read()}
        try:
            conn.sendmail("bench@example.org", ["rcpt@discard.example"], cache[path])
            key = "accepted"
        except smtplib.SMTPResponseException as e:
            key = "tempfailed" if 400 <= e.smtp_code < 500 else "rejected"
        except (smtplib.SMTPException, OSError):
            key, conn = "errors", None
        with lock:
            counts[key] += 1
        sent += 1
        if conn is not None and sent % per_session == 0:
            conn.quit()
            conn = None
    if conn is not None:
        conn.quit()


def main():
    host, port, sessions, per_session, source = sys.argv[1:6]
    if os.path.isfile(source):
        files = [source] * int(sys.argv[6])
    else:
        files = sorted(glob.glob(os.path.join(source, "*.eml")))
    counts = {"accepted": 0, "rejected": 0, "tempfailed": 0, "errors": 0}
    lock = threading.Lock()
    n = int(sessions)
    threads = [threading.Thread(target=worker, args=(host, int(port), int(per_session),
                                                     files[i::n], counts, lock))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join("%s=%d" % kv for kv in counts.items()))
    sys.exit(0 if counts["accepted"] == len(files) else 1)


main()
