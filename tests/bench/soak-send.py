#!/usr/bin/python3
"""Sends COUNT copies of a message file over SESSIONS parallel SMTP sessions,
going on after rejections (smtp-source stops at the first 5xx); prints the
replies to the end of DATA counted by code.  A session the server drops (or
that cannot connect) is opened again for the next message; the message it
was sending is counted under the error's name, so every message has a count.
All sessions are open before the first message goes: SESSIONS of them are
at the server (and its milter) at once.  The command in SOAK_AT_PEAK, if
set, runs at that moment (the sessions wait for it).

    soak-send.py HOST:PORT FILE RCPT COUNT SESSIONS
"""
import collections
import os
import smtplib
import sys
import threading


def send_one(smtp, rcpt, data):
    """The reply code to the message, and whether the session goes on."""
    try:
        smtp.sendmail("sender@example.org", [rcpt], data)
        return 250, True
    except smtplib.SMTPResponseException as e:
        code = e.smtp_code
    except smtplib.SMTPRecipientsRefused as e:
        code = list(e.recipients.values())[0][0]
    try:
        smtp.rset()
        return code, True
    except (OSError, smtplib.SMTPException):
        return code, False


def connect(host, port):
    try:
        return smtplib.SMTP(host, port, timeout=300)
    except (OSError, smtplib.SMTPException):
        return None     # counted with the first message


def at_peak():
    if os.environ.get("SOAK_AT_PEAK"):
        os.system(os.environ["SOAK_AT_PEAK"])


def session(host, port, data, rcpt, count, tally, lock, barrier):
    smtp = connect(host, port)
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass
    for _ in range(count):
        alive = False
        try:
            if smtp is None:
                smtp = smtplib.SMTP(host, port, timeout=300)
            code, alive = send_one(smtp, rcpt, data)
        except (OSError, smtplib.SMTPException) as e:
            code = type(e).__name__
        if not alive and smtp is not None:
            smtp.close()
            smtp = None
        with lock:
            tally[str(code)] += 1
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def main(argv):
    host, port = argv[1].rsplit(":", 1)
    data = open(argv[2], "rb").read()
    count, sessions = int(argv[4]), int(argv[5])
    tally, lock = collections.Counter(), threading.Lock()
    each = [count // sessions + (1 if i < count % sessions else 0) for i in range(sessions)]
    each = [n for n in each if n]
    barrier = threading.Barrier(len(each), action=at_peak, timeout=600)
    threads = [threading.Thread(target=session,
                                args=(host, int(port), data, argv[3], n, tally, lock, barrier))
               for n in each]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(" ".join("%s:%d" % kv for kv in sorted(tally.items())))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
