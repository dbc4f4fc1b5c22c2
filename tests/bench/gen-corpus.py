#!/usr/bin/env python3
"""gen-corpus.py OUTDIR [COUNT] [SEED]: COUNT (default 500) distinct messages
with real attachments for the benchmark: PDF, DOCX, ZIP and PNG files of
50 KB to 2 MB (most small, a few large), base64-encoded, 1 to 3 a message,
each built around seeded random bytes so that no two files are alike (no
scanner cache can hit).  OUTDIR/decoded/ gets every attachment's bytes, for
the bare-libclamav baseline.  The same seed writes the same corpus."""
import base64
import io
import os
import random
import struct
import sys
import zipfile
import zlib


def entry(name, compress=zipfile.ZIP_DEFLATED):
    """A zip member with a fixed time: the same seed gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 11, 22, 12, 0, 0))
    info.compress_type = compress
    return info


def pdf(rng, size):
    """A valid PDF: catalog, page, a compressed content stream and an
    uncompressed image stream of random bytes that sets the size."""
    body = rng.randbytes(size)
    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Report %d) Tj ET" % rng.randrange(10**9))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content +
        b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def png(rng, size):
    """A valid PNG whose stored (uncompressed) rows are random bytes."""
    width = 512
    rows = max(1, size // (width * 3 + 1))
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(rows))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, rows, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))


def docx(rng, size):
    """A minimal OOXML word document with an embedded picture."""
    words = " ".join("w%x" % rng.randrange(16**6) for _ in range(200))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(entry("[Content_Types].xml"),
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="png" ContentType="image/png"/><Override PartName='
                   '"/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr(entry("_rels/.rels"),
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr(entry("word/document.xml"),
                   '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
                   'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>%s'
                   '</w:t></w:r></w:p></w:body></w:document>' % words)
        z.writestr(entry("word/media/image1.png", zipfile.ZIP_STORED), png(rng, size))
    return buf.getvalue()


def archive(rng, size):
    """A zip of a few random files, stored, about size bytes in all."""
    buf = io.BytesIO()
    parts = rng.randint(2, 5)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for i in range(parts):
            z.writestr(entry("data-%d-%x.bin" % (i, rng.randrange(16**8)), zipfile.ZIP_STORED),
                       rng.randbytes(size // parts))
    return buf.getvalue()


KINDS = [("pdf", "application/pdf", pdf), ("png", "image/png", png),
         ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx),
         ("zip", "application/zip", archive)]


def size_of(rng):
    """50 KB to 2 MB, log-uniform: most small, a few large."""
    return int(50 * 1024 * (40 ** rng.random()))


def message(rng, n, attachments):
    boundary = "b%016x" % rng.randrange(16**16)
    out = ["From: bench@example.org\r\nTo: rcpt@discard.example\r\nSubject: corpus %04d\r\n"
           "Date: Sun, 22 Nov 2026 12:00:00 +0000\r\nMessage-ID: <corpus-%04d@example.org>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
           "--%s\r\nContent-Type: text/plain\r\n\r\nFiles for you, number %d.\r\n"
           % (n, n, boundary, boundary, n)]
    for name, ctype, data in attachments:
        text = base64.b64encode(data).decode()
        out.append("--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n"
                   % (boundary, ctype, name, name,
                      "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))))
    out.append("--%s--\r\n" % boundary)
    return "".join(out).encode()


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(os.path.join(out, "decoded"), exist_ok=True)
    for n in range(1, count + 1):
        attachments = []
        for k in range(rng.randint(1, 3)):
            ext, ctype, make = rng.choice(KINDS)
            name = "file-%04d-%d.%s" % (n, k, ext)
            data = make(rng, size_of(rng))
            attachments.append((name, ctype, data))
            with open(os.path.join(out, "decoded", name), "wb") as f:
                f.write(data)
        with open(os.path.join(out, "%04d.eml" % n), "wb") as f:
            f.write(message(rng, n, attachments))


main()
