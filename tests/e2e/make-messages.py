#!/usr/bin/env python3
"""Messages for tests/e2e/parts.sh, written as files for `swaks --data @FILE`.

    make-messages.py OUTDIR [--encrypted-zip FILE] [--testfiles DIR]
    make-messages.py --big FILE [--size BYTES] [--seed N]

Every message file has CRLF line ends and no final CRLF: swaks ends the
DATA with its own CRLF before the dot.  Next to the messages, NAME.text holds
the text part of NAME.eml exactly as sent (headers, empty line and body,
CRLF), so the test can check that it arrives unchanged; i-*.zip-part holds
the attachment part of the signed messages the same way.

Nothing here may contain a swaks token (%WORD%) or a backslash-n: swaks
rewrites those in --data (write() checks).
"""

import argparse
import base64
import io
import os
import random
import re
import sys
import zipfile

TESTFILES = "/usr/share/clamav-testfiles"
FROM = "sender@example.org"
TO = "rcpt@test.example"
ZIP_DATE = (2024, 1, 2, 3, 4, 6)

# A text part with lines an MTA could disturb: a leading dot (dot-stuffing),
# trailing spaces, an empty line, a long line.
TEXT_BODY = (
    "Hello,\r\n"
    "\r\n"
    "the file you asked for is attached.  Trailing spaces follow:   \r\n"
    ". this line starts with a dot\r\n"
    "..and this one with two\r\n"
    + "A long line " + "0123456789" * 7 + " end.\r\n"
    "\r\n"
    "Regards\r\n"
)


def b64_lines(data):
    """Base64 in 76-character CRLF lines, the last one with its CRLF."""
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


def headers(subject, extra=()):
    lines = [
        "From: Sender <%s>" % FROM,
        "To: <%s>" % TO,
        "Subject: %s" % subject,
        "Date: Tue, 02 Jan 2024 03:04:05 +0000",
        "Message-ID: <%s@parts.portcullis-test.example>" % subject,
        "MIME-Version: 1.0",
    ]
    lines.extend(extra)
    return ("\r\n".join(lines) + "\r\n").encode()


def text_part():
    return (
        b"Content-Type: text/plain; charset=us-ascii\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n"
        b"\r\n" + TEXT_BODY.encode()
    )


def attachment_part(name, data, ctype="application/octet-stream"):
    return (
        ("Content-Type: %s; name=\"%s\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "Content-Disposition: attachment; filename=\"%s\"\r\n"
         "\r\n" % (ctype, name, name)).encode()
        + b64_lines(data)
    )


def multipart(boundary, parts, preamble=b"This is a multi-part message in MIME format.\r\n"):
    """The body of a multipart: each part ends with CRLF before its
    delimiter; the close delimiter carries the final CRLF."""
    out = preamble
    for p in parts:
        # The CRLF before a delimiter belongs to the delimiter (RFC 2046):
        # a part's last line keeps its own CRLF and the delimiter adds one.
        out += b"\r\n--" + boundary.encode() + b"\r\n" + p
    out += b"\r\n--" + boundary.encode() + b"--\r\n"
    return out


def mixed_message(subject, parts, boundary="=_portcullis_parts_b1"):
    h = headers(subject, ["Content-Type: multipart/mixed; boundary=\"%s\"" % boundary])
    return h + b"\r\n" + multipart(boundary, parts)


EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")


def injection_part(boundary, short):
    """An attachment whose RFC 2231 file name, once decoded, closes the part
    and opens a new one (a complete evil.com part with the EICAR string when
    not short, a text/html part when short): the review's part-injection
    attack on placeholder and rename."""
    if short:
        inject = "\r\n--%s\r\nContent-Type: text/html\r\n\r\nx.exe" % boundary
    else:
        inject = ("\r\n--%s\r\nContent-Type: application/octet-stream; name=evil.com\r\n"
                  "Content-Disposition: attachment; filename=evil.com\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--%s\r\n"
                  "Content-Type: text/plain\r\n\r\nx.exe"
                  % (boundary, base64.b64encode(EICAR).decode(), boundary))
    value = "".join(c if c.isalnum() or c in ".-_" else "%%%02X" % ord(c) for c in inject)
    return (("Content-Type: application/octet-stream\r\n"
             "Content-Transfer-Encoding: base64\r\n"
             "Content-Disposition: attachment;\r\n filename*=us-ascii''report%s\r\n"
             "\r\n" % value).encode() + b64_lines(b"harmless text\n"))


def write(outdir, name, data):
    """Message file: no final CRLF (swaks adds one)."""
    if re.search(rb"\\n|%[A-Z_]+%", data):
        sys.exit("make-messages: %s holds text swaks would rewrite" % name)
    if data.endswith(b"\r\n"):
        data = data[:-2]
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def write_raw(outdir, name, data):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def zip_of(members):
    """A zip archive (deflated, fixed dates) of [(name, bytes)]."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, ZIP_DATE), data)
    return buf.getvalue()


def nested_zip(levels):
    """levels zips, each holding the next; the innermost holds a text."""
    data = zip_of([("inner.txt", b"Nothing to see at the bottom.\n")])
    for i in range(levels - 1, 0, -1):
        data = zip_of([("level%d.zip" % (i + 1), data)])
    return data


def mbox_message(path):
    """A test file sent as a whole message: mbox From_ line dropped, CRLF."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"From "):
        data = data.split(b"\n", 1)[1]
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data


def signed_message(subject, zipdata):
    """multipart/signed (S/MIME): a multipart/mixed with the text and the
    zip, then a fake detached signature."""
    inner_b = "=_portcullis_inner"
    zpart = attachment_part("clam.zip", zipdata, "application/zip")
    inner = (
        ("Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n" % inner_b).encode()
        + multipart(inner_b, [text_part(), zpart], preamble=b"")
    )
    sig = (
        b"Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=\"smime.p7s\"\r\n"
        b"\r\n" + b64_lines(random.Random(7).randbytes(600))
    )
    outer_b = "=_portcullis_signed"
    h = headers(subject, [
        "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
        " micalg=sha-256; boundary=\"%s\"" % outer_b,
    ])
    return h + b"\r\n" + multipart(outer_b, [inner, sig]), zpart


def many_semicolons(subject, folded):
    """Content-Type with 5000 empty parameters after the boundary."""
    if folded:
        ct = "Content-Type: multipart/mixed; boundary=\"b\"" + "".join(
            "\r\n\t" + ";" * 50 for _ in range(100))
    else:
        ct = "Content-Type: multipart/mixed; boundary=\"b\"" + ";" * 5000
    h = headers(subject, [ct])
    return h + b"\r\n" + multipart("b", [text_part()])


def big_message(path, size, seed):
    """A message with one attachment of size random bytes (seeded PRNG),
    written in chunks."""
    rng = random.Random(seed)
    boundary = "=_portcullis_big"
    with open(path, "wb") as f:
        f.write(headers("pc-parts-j-big", [
            "Content-Type: multipart/mixed; boundary=\"%s\"" % boundary]))
        f.write(b"\r\n")
        f.write(b"\r\n--" + boundary.encode() + b"\r\n" + text_part())
        f.write(("\r\n--%s\r\n"
                 "Content-Type: application/octet-stream; name=\"random.bin\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n"
                 "Content-Disposition: attachment; filename=\"random.bin\"\r\n"
                 "\r\n" % boundary).encode())
        left = size
        chunk = 57 * 20000  # whole 76-character lines
        while left > 0:
            n = min(chunk, left)
            f.write(b64_lines(rng.randbytes(n)))
            left -= n
        # No final CRLF after the close delimiter: swaks adds it.
        f.write(b"\r\n--" + boundary.encode() + b"--")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--encrypted-zip", help="password-protected zip for case (e)")
    ap.add_argument("--testfiles", default=TESTFILES)
    ap.add_argument("--big", metavar="FILE", help="write only the large message (j)")
    ap.add_argument("--size", type=int, default=90 * 1000 * 1000)
    ap.add_argument("--seed", type=int, default=20425)
    args = ap.parse_args()

    if args.big:
        big_message(args.big, args.size, args.seed)
        return
    if not args.outdir:
        ap.error("OUTDIR is required")
    out = args.outdir
    os.makedirs(out, exist_ok=True)
    tf = lambda name: open(os.path.join(args.testfiles, name), "rb").read()
    clam_zip = tf("clam.zip")
    text = text_part()
    write_raw(out, "text-part", text)

    # (a), (b): text + clam.zip
    for case in ("a", "b"):
        write(out, case + ".eml", mixed_message(
            "pc-parts-" + case, [text, attachment_part("clam.zip", clam_zip, "application/zip")]))
    # (c): a PE declared as a PDF
    write(out, "c.eml", mixed_message(
        "pc-parts-c", [text, attachment_part("invoice.pdf", tf("clam.exe"), "application/pdf")]))
    # (d): double extension, harmless content
    write(out, "d.eml", mixed_message(
        "pc-parts-d", [text, attachment_part(
            "report.pdf.exe", b"Quarterly report, plain text.\n" * 20)]))
    # (e): password-protected zip
    if args.encrypted_zip:
        with open(args.encrypted_zip, "rb") as f:
            write(out, "e.eml", mixed_message(
                "pc-parts-e", [text, attachment_part("secret.zip", f.read(), "application/zip")]))
    # (f): zips nested 6 deep
    write(out, "f.eml", mixed_message(
        "pc-parts-f", [text, attachment_part("deep.zip", nested_zip(6), "application/zip")]))
    # (g): a zip holding a harmless setup.exe
    write(out, "g.eml", mixed_message(
        "pc-parts-g", [text, attachment_part("docs.zip", zip_of([
            ("readme.txt", b"Read me first.\n"),
            ("setup.exe", b"Not really a program, just text.\n" * 10)]), "application/zip")]))
    # (h): the test files that are whole messages
    for name in ("clam.mail", "clam.exe.mbox.base64", "clam.exe.mbox.uu"):
        write(out, "h-" + name, mbox_message(os.path.join(args.testfiles, name)))
    # (i): signed, one file per signed_action
    for action in ("modify", "pass", "block"):
        msg, zpart = signed_message("pc-parts-i-" + action, clam_zip)
        write(out, "i-%s.eml" % action, msg)
    write_raw(out, "i.zip-part", zpart)
    # (l): part injection through a decoded file name (placeholder, rename)
    write(out, "l-placeholder.eml", mixed_message(
        "pc-parts-l-placeholder", [text, injection_part("=_portcullis_parts_b1", False)]))
    write(out, "l-rename.eml", mixed_message(
        "pc-parts-l-rename", [text, injection_part("=_portcullis_parts_b1", True)]))
    # (k): thousands of empty parameters, folded and on one line
    write(out, "k-folded.eml", many_semicolons("pc-parts-k-folded", True))
    write(out, "k-long.eml", many_semicolons("pc-parts-k-long", False))


if __name__ == "__main__":
    main()
