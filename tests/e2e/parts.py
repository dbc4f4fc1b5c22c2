#!/usr/bin/env python3
"""parts.py: messages for tests/e2e/parts.sh and checks of what Postfix
delivered, re-parsed with Python's email package.

  parts.py make DIR            write the test messages (CRLF) into DIR
  parts.py big FILE MB         a message with one random MB-sized attachment
  parts.py check FILE [checks] exit 1 and say why when a check fails:
    --valid                    parses with no MIME defect
    --header 'Name: prefix'    a header that starts so
    --notice NAME TEXT         a text/plain notice mentioning NAME and TEXT
    --attachment NAME          a part whose file name is NAME
    --no-attachment NAME       no part named NAME
    --same-part SENT N         part N (1-based leaf) of SENT is in FILE with
                               the same bytes (Maildir has LF line ends)
"""
import base64
import email
import email.policy
import io
import os
import random
import subprocess
import sys
import zipfile

TESTFILES = "/usr/share/clamav-testfiles"


def read(name):
    return open(os.path.join(TESTFILES, name), "rb").read()


def b64(data):
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


TEXT_PART = ("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
             "Hello,\r\nthe report is attached.\r\n-- \r\nsender\r\n")


def message(subject, parts, boundary="pcB0undary", top=None):
    head = ("From: sender@example.org\r\nTo: rcpt@test.example\r\nSubject: %s\r\n"
            "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@example.org>\r\n"
            "MIME-Version: 1.0\r\n" % (subject, subject))
    head += top or 'Content-Type: multipart/mixed; boundary="%s"\r\n' % boundary
    body = "".join("--%s\r\n%s\r\n" % (boundary, p) for p in parts)
    return head + "\r\n" + body + "--%s--\r\n" % boundary


def attachment(data, name, ctype="application/octet-stream"):
    return ('Content-Type: %s; name="%s"\r\nContent-Transfer-Encoding: base64\r\n'
            'Content-Disposition: attachment; filename="%s"\r\n\r\n%s\r\n'
            % (ctype, name, name, b64(data)))


def zip_of(files, password=None):
    """A zip of (name, bytes); with a password, made by the zip command."""
    if password is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for name, data in files:
                z.writestr(name, data)
        return buf.getvalue()
    tmp = "/tmp/pc-parts-%d" % os.getpid()
    os.makedirs(tmp, exist_ok=True)
    for name, data in files:
        open(os.path.join(tmp, name), "wb").write(data)
    out = os.path.join(tmp, "out.zip")
    subprocess.run(["zip", "-q", "-P", password, "out.zip"] + [n for n, _ in files],
                   cwd=tmp, check=True)
    data = open(out, "rb").read()
    subprocess.run(["rm", "-rf", tmp])
    return data


def nested_zip(depth):
    data = b"innermost file\n"
    name = "inner.txt"
    for level in range(depth):
        data = zip_of([(name, data)])
        name = "level%d.zip" % level
    return data


def make(out):
    os.makedirs(out, exist_ok=True)
    clam_zip = read("clam.zip")
    msgs = {
        "a-placeholder": message("pc-parts-a", [TEXT_PART, attachment(clam_zip, "clam.zip",
                                                                      "application/zip")]),
        "c-mismatch": message("pc-parts-c", [TEXT_PART, attachment(read("clam.exe"), "invoice.pdf",
                                                                   "application/pdf")]),
        "d-double": message("pc-parts-d", [TEXT_PART, attachment(
            b"Quarterly figures, nothing to run here.\n", "report.pdf.exe")]),
        "e-encrypted": message("pc-parts-e", [TEXT_PART, attachment(
            zip_of([("notes.txt", b"secret notes\n")], password="secret"), "secret.zip",
            "application/zip")]),
        "f-nested": message("pc-parts-f", [TEXT_PART, attachment(nested_zip(6), "deep.zip",
                                                                 "application/zip")]),
        "g-docs": message("pc-parts-g", [TEXT_PART, attachment(
            zip_of([("setup.exe", b"not really a program\n"), ("readme.txt", b"read me\n")]),
            "docs.zip", "application/zip")]),
        "i-signed": message("pc-parts-i", [
            'Content-Type: multipart/mixed; boundary="inner"\r\n\r\n--inner\r\n' + TEXT_PART +
            "\r\n--inner\r\n" + attachment(clam_zip, "clam.zip", "application/zip") +
            "\r\n--inner--\r\n",
            'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"not a real signature") + "\r\n"],
            top='Content-Type: multipart/signed; protocol="application/pkcs7-signature"; '
                'micalg=sha-256; boundary="pcB0undary"\r\n'),
        "k-parameters": message("pc-parts-k", [TEXT_PART],
                                top='Content-Type: multipart/mixed; boundary="pcB0undary"'
                                    + ";" * 5000 + "\r\n"),
    }
    for name, text in msgs.items():
        open(os.path.join(out, name + ".eml"), "wb").write(text.encode())


def big(path, mb):
    """MB megabytes of seeded random bytes: unique, clean, incompressible."""
    rng = random.Random(20261122)
    data = rng.randbytes(mb * 1024 * 1024)
    with open(path, "wb") as f:
        f.write(message("pc-parts-j", [TEXT_PART, attachment(data, "big.bin")]).encode())


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def check(path, args):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    problems = []
    i = 0
    while i < len(args):
        flag = args[i]
        if flag == "--valid":
            defects = [d for p in msg.walk() for d in p.defects]
            if defects:
                problems.append("MIME defects: %s" % defects)
            i += 1
        elif flag == "--header":
            name, prefix = args[i + 1].split(": ", 1)
            value = str(msg.get(name, ""))
            if not value.startswith(prefix):
                problems.append("%s is %r, not %r..." % (name, value, prefix))
            i += 2
        elif flag == "--notice":
            name, text = args[i + 1], args[i + 2]
            notices = [p.get_content() for p in leaves(msg)
                       if p.get_content_type() == "text/plain" and "File:" in p.get_content()]
            if not any(name in n and text in n for n in notices):
                problems.append("no notice naming %s and %s in %r" % (name, text, notices))
            i += 3
        elif flag in ("--attachment", "--no-attachment"):
            names = [p.get_filename() for p in leaves(msg)]
            if (args[i + 1] in names) != (flag == "--attachment"):
                problems.append("attachments %s (looking for %s)" % (names, args[i + 1]))
            i += 2
        elif flag == "--same-part":
            sent = email.message_from_bytes(open(args[i + 1], "rb").read(),
                                            policy=email.policy.compat32)
            want = leaves(sent)[int(args[i + 2]) - 1].as_bytes(policy=email.policy.compat32)
            want = want.replace(b"\r\n", b"\n")
            body = want.split(b"\n\n", 1)[1]
            if body not in raw:
                problems.append("sent part %s is not in the delivered message as it was"
                                % args[i + 2])
            i += 3
        else:
            problems.append("unknown check " + flag)
            i += 1
    for p in problems:
        print(p)
    return 1 if problems else 0


def main():
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3:]))


main()
