#!/usr/bin/env python3
"""gen-differential.py OUTDIR: writes the differential corpus, messages that
each carry ClamAV's test file clam.exe in one transfer encoding, boundary
form, nesting, defect or embedded encoding, plus ClamAV's own test mails.
The output is the same bytes on every run.  differential.sh compares what
Python's email package and the engine make of each one."""
import base64
import binascii
import os
import sys

TESTFILES = "/usr/share/clamav-testfiles"
CLAM = open(os.path.join(TESTFILES, "clam.exe"), "rb").read()


def b64(data, width=76):
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i:i + width] for i in range(0, len(text), width))


def uuencode(data, name="clam.exe"):
    lines = ["begin 644 " + name]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).decode().rstrip("\n"))
    lines += ["`", "end"]
    return "\r\n".join(lines)


def yenc(data, name="clam.exe"):
    """yEnc: each byte + 42 mod 256, NUL, LF, CR and '=' escaped."""
    out, line = [], bytearray()
    for byte in data:
        c = (byte + 42) % 256
        if c in (0, 10, 13, 61):
            line += b"=" + bytes([(c + 64) % 256])
        else:
            line.append(c)
        if len(line) >= 128:
            out.append(bytes(line))
            line = bytearray()
    if line:
        out.append(bytes(line))
    head = "=ybegin line=128 size=%d name=%s" % (len(data), name)
    tail = "=yend size=%d crc32=%08x" % (len(data), binascii.crc32(data))
    return (head.encode() + b"\r\n" + b"\r\n".join(out) + b"\r\n" + tail.encode()).decode("latin-1")


def headers(n, subject, extra=""):
    return ("From: sender@example.org\r\nTo: rcpt@test.example\r\n"
            "Subject: pc-diff-%02d %s\r\nDate: Sun, 22 Nov 2026 12:00:00 +0000\r\n"
            "Message-ID: <diff-%02d@example.org>\r\n%s" % (n, subject, n, extra))


def mixed(n, subject, parts, boundary="BOUNDARY", ctype=None, preamble="", epilogue="",
          mime=True):
    ctype = ctype or 'multipart/mixed; boundary="%s"' % boundary
    body = preamble
    for part in parts:
        body += "--%s\r\n%s\r\n" % (boundary, part)
    body += "--%s--\r\n%s" % (boundary, epilogue)
    return headers(n, subject, ("MIME-Version: 1.0\r\n" if mime else "") +
                   "Content-Type: %s\r\n\r\n" % ctype) + body


TEXT = "Content-Type: text/plain\r\n\r\nPlease see the attachment.\r\n"


def attachment(cte="base64", payload=None, name="clam.exe", ctype="application/octet-stream",
               disposition=True):
    payload = payload if payload is not None else b64(CLAM)
    head = "Content-Type: %s; name=\"%s\"\r\n" % (ctype, name)
    if cte:
        head += "Content-Transfer-Encoding: %s\r\n" % cte
    if disposition:
        head += "Content-Disposition: attachment; filename=\"%s\"\r\n" % name
    return head + "\r\n" + payload + "\r\n"


def qp_binary():
    """Quoted-printable of binary data: every byte outside printable ASCII
    (CR and LF included) is =XX, and the last line ends in a soft break, so
    the decoded bytes are exact whoever owns the line break before the
    boundary."""
    tokens = [chr(b) if 33 <= b <= 126 and b != 61 else "=%02X" % b for b in CLAM]
    lines, line = [], ""
    for token in tokens:
        if len(line) + len(token) > 75:
            lines.append(line + "=")
            line = ""
        line += token
    return "\r\n".join(lines + [line + "="])


def rfc822(inner):
    return "Content-Type: message/rfc822\r\n\r\n" + inner


def messages():
    m = {}
    m["base64"] = lambda n: mixed(n, "base64", [TEXT, attachment()])
    m["base64-upper"] = lambda n: mixed(n, "BASE64 spelling", [TEXT, attachment("BASE64")])
    m["base64-mixed-case"] = lambda n: mixed(n, "Base64 spelling", [TEXT, attachment("Base64")])
    m["base64-odd-lines"] = lambda n: mixed(n, "57-char lines", [TEXT, attachment(
        payload=b64(CLAM, 57))])
    m["base64-no-final-eol"] = lambda n: mixed(n, "no newline", [TEXT]) [:-len("--BOUNDARY--\r\n")] + \
        "--BOUNDARY\r\n" + attachment().rstrip("\r\n") + "\r\n--BOUNDARY--\r\n"
    m["base64-garbage"] = lambda n: mixed(n, "garbage in base64", [TEXT, attachment(
        payload="\r\n".join(" " + l[:30] + " *\t" + l[30:] for l in b64(CLAM).split("\r\n")))])
    m["quoted-printable"] = lambda n: mixed(n, "qp", [TEXT, attachment("quoted-printable",
                                                                      qp_binary())])
    m["quoted-printable-case"] = lambda n: mixed(n, "Qp", [TEXT, attachment("Quoted-Printable",
                                                                           qp_binary())])
    # No 7bit/8bit/binary attachment: clam.exe holds bare CR and LF bytes,
    # which SMTP's line handling changes on the way, so no parser could see
    # the file there; those spellings are exercised by the text parts.
    m["x-uuencode"] = lambda n: mixed(n, "x-uuencode", [TEXT, attachment("x-uuencode",
                                                                        uuencode(CLAM))])
    m["x-uue"] = lambda n: mixed(n, "x-uue", [TEXT, attachment("x-uue", uuencode(CLAM))])
    m["uuencode"] = lambda n: mixed(n, "uuencode", [TEXT, attachment("uuencode",
                                                                    uuencode(CLAM))])
    m["boundary-specials"] = lambda n: mixed(n, "specials", [TEXT, attachment()],
                                             boundary="(a)+b_c,d-e.f/g:h=i?j k")
    m["boundary-unquoted"] = lambda n: mixed(n, "unquoted", [TEXT, attachment()],
                                             ctype="multipart/mixed; boundary=plain.b0undary",
                                             boundary="plain.b0undary")
    m["boundary-70"] = lambda n: mixed(n, "70 chars", [TEXT, attachment()], boundary="B" * 70)
    m["transport-padding"] = lambda n: mixed(n, "padding", [TEXT, attachment()]).replace(
        "--BOUNDARY\r\n", "--BOUNDARY \t \r\n")
    m["preamble-epilogue"] = lambda n: mixed(
        n, "preamble", [TEXT, attachment()],
        preamble="This is a preamble.\r\n--BOUNDARYX is not a boundary\r\n\r\n",
        epilogue="epilogue text\r\n--BOUNDARY-- again\r\n")
    m["prefix-line"] = lambda n: mixed(n, "prefix line", [
        "Content-Type: text/plain\r\n\r\n--BOUNDARYnot this one\r\n", attachment()])
    m["nested-rfc822"] = lambda n: mixed(n, "nested 2", [TEXT, rfc822(mixed(
        n, "inner", [TEXT, attachment()], boundary="inner1"))])
    m["nested-rfc822-3"] = lambda n: mixed(n, "nested 3", [TEXT, rfc822(mixed(
        n, "inner", [TEXT, rfc822(mixed(n, "innermost", [attachment()], boundary="inner2"))],
        boundary="inner1"))])
    m["alternative-in-mixed"] = lambda n: mixed(n, "alternative", [
        'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n--alt\r\n'
        "Content-Type: text/plain\r\n\r\nplain\r\n--alt\r\nContent-Type: text/html\r\n\r\n"
        "<p>html</p>\r\n--alt--\r\n", attachment()])
    m["related"] = lambda n: mixed(n, "related", [
        "Content-Type: text/html\r\n\r\n<img src=\"cid:x\">\r\n",
        "Content-ID: <x>\r\n" + attachment(ctype="image/png", name="x.png")],
        ctype='multipart/related; boundary="BOUNDARY"; type="text/html"')
    m["digest"] = lambda n: mixed(n, "digest", [
        "\r\n" + headers(n, "digest entry", "MIME-Version: 1.0\r\nContent-Type: "
                         "application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
        + b64(CLAM) + "\r\n"], ctype='multipart/digest; boundary="BOUNDARY"')
    m["missing-end-boundary"] = lambda n: mixed(n, "no close", [TEXT, attachment()]).replace(
        "--BOUNDARY--\r\n", "")
    m["truncated"] = lambda n: mixed(n, "truncated", [TEXT, attachment(),
                                                     "Content-Type: text/plain\r\n\r\ncut he"]
                                     ).split("cut he")[0] + "cut he"
    m["duplicate-content-type"] = lambda n: mixed(n, "dup ctype", [TEXT, "Content-Type: text/plain\r\n"
                                                                  + attachment()])
    m["duplicate-filename"] = lambda n: mixed(n, "dup filename", [TEXT, attachment().replace(
        'filename="clam.exe"', 'filename="harmless.txt"; filename="clam.exe"')])
    m["duplicate-boundary"] = lambda n: mixed(
        n, "two boundaries", [TEXT, attachment()],
        ctype='multipart/mixed; boundary="OTHER"; boundary="BOUNDARY"')
    m["rfc2231-name"] = lambda n: mixed(n, "rfc2231", [TEXT, attachment().replace(
        'filename="clam.exe"', "filename*0*=utf-8''cl%C3%A4m;\r\n filename*1=\".exe\"")])
    m["rfc2047-name"] = lambda n: mixed(n, "rfc2047", [TEXT, attachment(
        name="=?UTF-8?B?Y2zDpG0uZXhl?=")])
    m["name-in-type-only"] = lambda n: mixed(n, "name only", [TEXT, attachment(disposition=False)])
    m["no-name"] = lambda n: mixed(n, "no name", [TEXT, "Content-Type: application/octet-stream\r\n"
                                                 "Content-Transfer-Encoding: base64\r\n\r\n"
                                                 + b64(CLAM) + "\r\n"])
    m["uuencode-in-text"] = lambda n: mixed(n, "uu in text", [
        "Content-Type: text/plain\r\n\r\nHere it is:\r\n\r\n" + uuencode(CLAM) + "\r\n"])
    m["binhex-in-text"] = lambda n: mixed(n, "binhex in text", [
        "Content-Type: text/plain\r\n\r\n" + open(os.path.join(TESTFILES, "clam.exe.binhex"))
        .read().replace("\r\n", "\n").replace("\n", "\r\n")])
    m["yenc-in-text"] = lambda n: mixed(n, "yenc in text", [
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + yenc(CLAM) + "\r\n"])
    m["tnef"] = lambda n: mixed(n, "tnef", [TEXT, attachment(
        payload=b64(open(os.path.join(TESTFILES, "clam.tnef"), "rb").read()),
        ctype="application/ms-tnef", name="winmail.dat")])
    m["folded-boundary"] = lambda n: headers(n, "folded", "MIME-Version: 1.0\r\nContent-Type:\r\n"
                                             "\tmultipart/mixed;\r\n\t  boundary=\r\n"
                                             '  "BOUNDARY"\r\n\r\n') + mixed(
        n, "", [TEXT, attachment()]).split("\r\n\r\n", 1)[1]
    m["lf-headers"] = lambda n: mixed(n, "LF only", [TEXT, attachment()]).replace(
        "Content-Disposition: attachment; filename=\"clam.exe\"\r\n",
        "Content-Disposition: attachment;\n filename=\"clam.exe\"\n")
    m["long-header"] = lambda n: mixed(n, "long header", [TEXT, attachment()]).replace(
        "MIME-Version", "X-Long: " + "x" * 5000 + "\r\nMIME-Version", 1)
    m["empty-parameters"] = lambda n: mixed(n, "empty params", [TEXT, attachment()],
                                            ctype='multipart/mixed; boundary="BOUNDARY"' + ";" * 5000)
    m["no-mime-version"] = lambda n: mixed(n, "no MIME-Version", [TEXT, attachment()], mime=False)
    m["uppercase-type"] = lambda n: mixed(n, "uppercase", [TEXT, attachment()],
                                          ctype='MULTIPART/MIXED; BOUNDARY="BOUNDARY"')
    return m


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for n, (name, build) in enumerate(messages().items(), 1):
        with open(os.path.join(out, "%02d-%s.eml" % (n, name)), "wb") as f:
            f.write(build(n).encode("latin-1"))
    # ClamAV's own test mails, without an mbox "From " line.
    for name in ("clam.mail", "clam.exe.mbox.base64", "clam.exe.mbox.uu"):
        data = open(os.path.join(TESTFILES, name), "rb").read()
        if data.startswith(b"From "):
            data = data[data.find(b"\n") + 1:]
        with open(os.path.join(out, "cl-%s.eml" % name), "wb") as f:
            f.write(data)


main()
