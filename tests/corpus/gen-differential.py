#!/usr/bin/env python3
"""gen-differential.py OUTDIR [--list]

Writes the differential corpus for the MIME parser: RFC 5322 messages that
each carry ClamAV's test file clam.exe (544 bytes) in one transfer encoding,
boundary form, nesting, defect, header oddity or text-embedded encoding, as
OUTDIR/NN-short-name.eml, plus ClamAV's own test mails as OUTDIR/cl-*.eml.
pydecode.py says what Python's email package makes of each message,
compare.py holds the engine's verdict against that (see differential.sh).

The output is the same bytes on every run (no clock, no randomness).
Messages use CRLF line ends, as they travel over SMTP; the exceptions are
deliberate (raw binary bodies, the LF-only header lines of one case, and the
copied ClamAV mails, which keep their own LF line ends).

Names containing "-raw-" carry clam.exe as raw binary (it holds bare CR and
LF bytes): the file is intact on disk, but SMTP's line handling changes those
bytes in transit, so no filter behind an MTA can see the original file.

Left out on purpose: base64 text in a part without a
Content-Transfer-Encoding header.  That part is 7bit text (RFC 2045 6.1);
neither Python's email package, GMime nor libclamav decodes it, so no
client shows clam.exe there and the engine need not stop it.  (13-raw-no-cte
covers the missing header with bytes a parser does recover.)

--list prints "NN-name: what it exercises" for every message instead.
Standard library only."""
import base64
import binascii
import os
import sys

TESTFILES = "/usr/share/clamav-testfiles"
CRLF = b"\r\n"


def testfile(name):
    with open(os.path.join(TESTFILES, name), "rb") as f:
        return f.read()


CLAM = testfile("clam.exe")


# ---------------------------------------------------------------------------
# Encoders.  Each returns the encoded body as bytes with CRLF line ends and
# no trailing line end: the CRLF before the next boundary delimiter belongs
# to the delimiter (RFC 2046 5.1.1), the builders add it.

def b64_body(data, widths=(76,)):
    """Base64, cut into lines whose lengths cycle through WIDTHS (a decoder
    must ignore line breaks, so widths need not be multiples of 4)."""
    text = base64.b64encode(data)
    out, pos, i = [], 0, 0
    while pos < len(text):
        width = widths[i % len(widths)]
        out.append(text[pos:pos + width])
        pos += width
        i += 1
    return CRLF.join(out)


def b64_with_noise(data, noise):
    """Base64 with bytes outside the alphabet put into every line, which
    RFC 2045 6.8 says a decoder ignores.  NOISE cycles per line."""
    lines = b64_body(data, (64,)).split(CRLF)
    out = []
    for i, line in enumerate(lines):
        junk = noise[i % len(noise)]
        out.append(line[:20] + junk + line[20:40] + junk + line[40:])
    return CRLF.join(out)


def qp_body(data, lower_hex=False, soft_break_at_end=True):
    """Quoted-printable of binary data (RFC 2045 6.7).  Every byte outside
    printable ASCII, CR and LF included, becomes =XX, so no line break in the
    encoding is part of the data.  A soft break at the very end makes the
    decoded bytes exact whoever owns the CRLF before the next boundary."""
    hexfmt = b"=%02x" if lower_hex else b"=%02X"
    tokens = []
    for i, byte in enumerate(data):
        printable = 33 <= byte <= 126 and byte != ord("=")
        # A space or tab is literal inside a line, never at its end.
        blank = byte in (9, 32) and i + 1 < len(data)
        tokens.append(bytes([byte]) if printable or blank else hexfmt % byte)
    lines, line = [], b""
    for token in tokens:
        if len(line) + len(token) > 75:       # 75 + the soft-break "=" = 76
            if line[-1:] in (b" ", b"\t"):    # no blank before a line end
                line, carry = line[:-1], line[-1:]
                lines.append(line + b"=")
                line = hexfmt % carry[0]
            else:
                lines.append(line + b"=")
                line = b""
        line += token
    lines.append(line + (b"=" if soft_break_at_end else b""))
    return CRLF.join(lines)


def uu_body(data, name="clam.exe", mode="644", zero=b"`"):
    """uuencode: "begin MODE NAME", lines of up to 45 bytes (a length
    character, then 4 characters per 3 bytes, each 32 + a 6-bit value), an
    empty line and "end".  ZERO is the character for the value 0: the
    backquote most encoders use now, or the original space."""
    def char(value):
        return zero if value == 0 else bytes([32 + value])

    lines = [b"begin " + mode.encode() + b" " + name.encode()]
    for start in range(0, len(data), 45):
        chunk = data[start:start + 45]
        line = char(len(chunk))
        padded = chunk + b"\0" * (-len(chunk) % 3)
        for i in range(0, len(padded), 3):
            group = int.from_bytes(padded[i:i + 3], "big")
            line += b"".join(char((group >> shift) & 63) for shift in (18, 12, 6, 0))
        lines.append(line)
    lines += [char(0), b"end"]
    return CRLF.join(lines)


def yenc_body(data, name="clam.exe", width=128):
    """yEnc 1.3: each byte + 42 modulo 256; NUL, LF, CR and "=" (and a TAB,
    space or "." starting a line) are escaped as "=" then the byte + 64."""
    lines, line = [], b""
    for byte in data:
        value = (byte + 42) % 256
        # Blanks are escaped at both ends of a line, where transports strip
        # them; a leading "." would be doubled by NNTP and SMTP.
        edge = not line or len(line) >= width - 1
        critical = value in (0, 10, 13, 61) or (edge and value in (9, 32)) or \
            (not line and value == 46)
        line += bytes([61, (value + 64) % 256]) if critical else bytes([value])
        if len(line) >= width:
            lines.append(line)
            line = b""
    if line:
        lines.append(line)
    head = b"=ybegin line=%d size=%d name=%s" % (width, len(data), name.encode())
    tail = b"=yend size=%d crc32=%08x" % (len(data), binascii.crc32(data))
    return CRLF.join([head] + lines + [tail])


BINHEX_ALPHABET = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"


def crc_ccitt(data):
    """The CRC of BinHex 4.0: CCITT polynomial 0x1021, initial value 0, no
    reflection (the same value as feeding the data and two zero bytes)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def rle90(data):
    """BinHex run-length coding: a run of 3 or more equal bytes becomes the
    byte, 0x90 and the run length; a literal 0x90 is 0x90 0x00."""
    out, i = bytearray(), 0
    while i < len(data):
        byte, run = data[i], 1
        while i + run < len(data) and data[i + run] == byte and run < 255:
            run += 1
        literal = b"\x90\x00" if byte == 0x90 else bytes([byte])
        if byte != 0x90 and run >= 3:
            out += literal + bytes([0x90, run])
        else:
            run = 1
            out += literal
        i += run
    return bytes(out)


def binhex_body(data, name="clam.exe", width=64):
    """BinHex 4.0: header (name, type, creator, flags, fork lengths, CRC),
    data fork and CRC, empty resource fork and CRC; RLE90; 6 bits per
    character of BINHEX_ALPHABET between two colons, WIDTH per line."""
    header = (bytes([len(name)]) + name.encode() + b"\0" + b"BINA" + b"????" +
              b"\0\0" + len(data).to_bytes(4, "big") + (0).to_bytes(4, "big"))
    stream = (header + crc_ccitt(header).to_bytes(2, "big") +
              data + crc_ccitt(data).to_bytes(2, "big") + crc_ccitt(b"").to_bytes(2, "big"))
    packed = rle90(stream)
    bits = int.from_bytes(packed, "big") << (-len(packed) * 8 % 6)
    count = (len(packed) * 8 + 5) // 6
    chars = bytes(BINHEX_ALPHABET[(bits >> (6 * (count - 1 - i))) & 63] for i in range(count))
    text = b":" + chars + b":"
    lines = [text[i:i + width] for i in range(0, len(text), width)]
    return CRLF.join([b"(This file must be converted with BinHex 4.0)"] + lines)


# ---------------------------------------------------------------------------
# Message builders.  Headers are given as str (Latin-1), bodies as bytes.

def entity(headers, body):
    """A MIME entity: header lines, an empty line, the body."""
    return CRLF.join(h.encode("latin-1") for h in headers) + CRLF + CRLF + body


def multipart(boundary, parts, preamble=b"", epilogue=b"", padding=b"", close=True):
    """The body of a multipart.  Each part is followed by CRLF, which with
    "--BOUNDARY" forms the next delimiter; PADDING is the transport padding
    after each delimiter; PREAMBLE must end in CRLF when not empty."""
    dash = b"--" + boundary.encode("latin-1")
    body = preamble
    for part in parts:
        body += dash + padding + CRLF + part + CRLF
    if close:
        body += dash + b"--" + padding + CRLF + epilogue
    return body


def message(n, subject, headers, body, final_eol=True):
    """A top-level message of the corpus: the five headers every message
    has, then HEADERS, then BODY; ends with CRLF unless FINAL_EOL is false."""
    top = ["From: Portcullis Differential <sender@example.org>",
           "To: rcpt@test.example",
           "Subject: pc-diff-%02d %s" % (n, subject),
           "Date: Sun, 22 Nov 2026 12:00:00 +0000",
           "Message-ID: <pc-diff-%02d@portcullis.test>" % n]
    data = entity(top + headers, body)
    if final_eol and not data.endswith(CRLF):
        data += CRLF
    return data


def inner_message(subject, headers, body):
    """A message inside a message/rfc822 part or a digest."""
    top = ["From: inner@example.org", "To: rcpt@test.example", "Subject: " + subject,
           "Date: Sun, 22 Nov 2026 11:00:00 +0000", "MIME-Version: 1.0"]
    return entity(top + headers, body)


MIME = "MIME-Version: 1.0"


def mixed_headers(boundary="frontier-0001"):
    return [MIME, 'Content-Type: multipart/mixed; boundary="%s"' % boundary]


def text_part(text="Please find the file attached.", ctype="text/plain; charset=us-ascii"):
    return entity(["Content-Type: " + ctype], text.encode("latin-1"))


def attachment(cte="base64", body=None, name="clam.exe", ctype="application/octet-stream",
               disposition="attachment", extra=()):
    """The usual attachment part: Content-Type with name=, the CTE (None: no
    header), Content-Disposition with filename= (None: no header)."""
    headers = ['Content-Type: %s; name="%s"' % (ctype, name) if name else
               "Content-Type: " + ctype]
    if cte is not None:
        headers.append("Content-Transfer-Encoding: " + cte)
    if disposition is not None:
        headers.append('Content-Disposition: %s; filename="%s"' % (disposition, name)
                       if name else "Content-Disposition: " + disposition)
    headers += list(extra)
    return entity(headers, b64_body(CLAM) if body is None else body)


def simple(n, subject, att, boundary="frontier-0001", headers=None, **kw):
    """The common shape: multipart/mixed with a text part and ATT."""
    return message(n, subject, headers or mixed_headers(boundary),
                   multipart(boundary, [text_part(), att], **kw))


def attach_raw(headers):
    """An attachment part with clam.exe's raw bytes as body."""
    return entity(headers, CLAM)


# ---------------------------------------------------------------------------
# The cases: (short name, what it exercises, builder of message N).

CASES = []


def case(name, description):
    def register(build):
        CASES.append((name, description, build))
        return build
    return register


# -- transfer encodings ------------------------------------------------------

@case("base64", "multipart/mixed, text + base64 attachment, 76-character lines (the baseline)")
def _(n):
    return simple(n, "base64", attachment())


@case("base64-upper", 'CTE spelled "BASE64"')
def _(n):
    return simple(n, "BASE64", attachment("BASE64"))


@case("base64-odd-lines", 'CTE "Base64"; lines of 1 to 77 characters, most not multiples of 4')
def _(n):
    return simple(n, "odd base64 lines",
                  attachment("Base64", b64_body(CLAM, (77, 1, 13, 58, 6, 3, 71, 2, 40))))


@case("base64-single-part-no-eol",
      "top-level single part application/octet-stream in Base64; the file ends "
      "without a final line end")
def _(n):
    headers = [MIME, 'Content-Type: application/octet-stream; name="clam.exe"',
               "Content-Transfer-Encoding: Base64",
               'Content-Disposition: attachment; filename="clam.exe"']
    return message(n, "single part, no final newline", headers, b64_body(CLAM, (60,)),
                   final_eol=False)


@case("base64-whitespace", "spaces and tabs inside base64 lines, blank lines between them")
def _(n):
    body = b64_with_noise(CLAM, [b" ", b"\t", b"  \t "]).replace(CRLF, b" \t" + CRLF + CRLF)
    return simple(n, "whitespace in base64", attachment(body=body))


@case("base64-garbage", "characters outside the base64 alphabet (!*~#$%) inside the lines")
def _(n):
    return simple(n, "garbage in base64",
                  attachment(body=b64_with_noise(CLAM, [b"!", b"*~", b"#", b"$%"])))


@case("base64-cte-whitespace", 'CTE value with blanks around it: "Content-Transfer-Encoding: \\t base64 \\t"')
def _(n):
    return simple(n, "CTE with blanks", attachment(" \t base64 \t"))


@case("quoted-printable", "binary clam.exe in quoted-printable, upper-case hex, ends in a soft break")
def _(n):
    return simple(n, "qp", attachment("quoted-printable", qp_body(CLAM)))


@case("quoted-printable-mixed-case",
      'CTE "Quoted-Printable", lower-case hex digits, literal blanks, no soft break at the end')
def _(n):
    return simple(n, "Quoted-Printable", attachment(
        "Quoted-Printable", qp_body(CLAM, lower_hex=True, soft_break_at_end=False)))


@case("raw-binary", 'CTE "binary", clam.exe as raw bytes (bare CR/LF inside: not SMTP-safe)')
def _(n):
    return simple(n, "binary", attachment("binary", CLAM))


@case("raw-8bit", 'CTE "8bit", clam.exe as raw bytes (not SMTP-safe)')
def _(n):
    return simple(n, "8bit", attachment("8bit", CLAM))


@case("raw-7bit-mislabelled", 'CTE "7bit" on raw binary bytes (mislabelled; not SMTP-safe)')
def _(n):
    return simple(n, "7bit mislabelled", attachment("7bit", CLAM))


@case("raw-no-cte", "no CTE header (so 7bit) on raw binary bytes (not SMTP-safe)")
def _(n):
    return simple(n, "no CTE, raw", attachment(None, CLAM))


@case("x-uuencode", 'CTE "x-uuencode", backquote-style uuencode')
def _(n):
    return simple(n, "x-uuencode", attachment("x-uuencode", uu_body(CLAM)))


@case("x-uue", 'CTE "x-uue"')
def _(n):
    return simple(n, "x-uue", attachment("x-uue", uu_body(CLAM)))


@case("uuencode", 'CTE "uuencode"')
def _(n):
    return simple(n, "uuencode", attachment("uuencode", uu_body(CLAM)))


@case("x-uuencode-upper-spaces", 'CTE "X-UUEncode", space-style uuencode (trailing blanks in lines)')
def _(n):
    return simple(n, "X-UUEncode", attachment("X-UUEncode", uu_body(CLAM, zero=b" ")))


# -- boundaries ---------------------------------------------------------------

@case("boundary-unquoted", "unquoted boundary made of token characters (boundary=simple_b0und.ary-1)")
def _(n):
    headers = [MIME, "Content-Type: multipart/mixed; boundary=simple_b0und.ary-1"]
    return simple(n, "unquoted boundary", attachment(), "simple_b0und.ary-1", headers)


@case("boundary-specials",
      "quoted boundary with a space and every other special RFC 2046 allows: '()+_,-./:=?")
def _(n):
    return simple(n, "boundary specials", attachment(), "'()+_,-./:=? with space")


@case("boundary-70", "a boundary of exactly 70 characters (the maximum), specials and spaces included")
def _(n):
    boundary = ("=_70chars '()+_,-./:=? " + "x" * 70)[:69] + "Z"
    assert len(boundary) == 70
    return simple(n, "70-character boundary", attachment(), boundary)


@case("transport-padding", "spaces and tabs after every delimiter and after the close delimiter")
def _(n):
    return simple(n, "transport padding", attachment(), padding=b" \t  \t")


@case("preamble-epilogue",
      "preamble and epilogue text, each with a line that starts like a delimiter but is not one")
def _(n):
    preamble = (b"This is a multi-part message in MIME format." + CRLF +
                b"--frontier-0001x is longer than the boundary" + CRLF + CRLF)
    epilogue = (b"Epilogue text, to be ignored." + CRLF + b"--frontier-0001-- again" + CRLF)
    return simple(n, "preamble and epilogue", attachment(), preamble=preamble,
                  epilogue=epilogue)


@case("boundary-prefix-line",
      "lines in the text part that begin with the delimiter (--BOUNDARY-more, --BOUNDARYx): "
      "not delimiters for an exact parser, part breaks for a prefix-matching one")
def _(n):
    text = entity(["Content-Type: text/plain"],
                  b"A line that begins like the delimiter:" + CRLF +
                  b"--frontier-0001-but-longer" + CRLF + b"--frontier-0001x" + CRLF +
                  b"End of text.")
    return message(n, "boundary as a prefix", mixed_headers(),
                   multipart("frontier-0001", [text, attachment()]))


@case("nested-prefix-boundary",
      'outer boundary "==b" is a prefix of the inner multipart\'s "==b.inner"; '
      "the attachment is in the inner multipart")
def _(n):
    inner = entity(['Content-Type: multipart/mixed; boundary="==b.inner"'],
                   multipart("==b.inner", [text_part("inner text"), attachment()]))
    return message(n, "outer boundary is a prefix of inner", mixed_headers("==b"),
                   multipart("==b", [text_part(), inner]))


# -- nesting --------------------------------------------------------------------

def rfc822_part(inner):
    return entity(["Content-Type: message/rfc822", "Content-Disposition: inline"], inner)


@case("nested-rfc822", "mixed[text, message/rfc822[mixed[text, attachment]]]: attachment at 2.2")
def _(n):
    inner = inner_message("inner", mixed_headers("inner-1"),
                          multipart("inner-1", [text_part("inner text"), attachment()]))
    return simple(n, "nested rfc822 (2 levels)", rfc822_part(inner))


@case("nested-rfc822-3",
      "three levels of message/rfc822, each in a multipart/mixed: attachment at 2.2.2.2")
def _(n):
    level3 = inner_message("level 3", mixed_headers("inner-3"),
                           multipart("inner-3", [text_part("level 3"), attachment()]))
    level2 = inner_message("level 2", mixed_headers("inner-2"),
                           multipart("inner-2", [text_part("level 2"), rfc822_part(level3)]))
    level1 = inner_message("level 1", mixed_headers("inner-1"),
                           multipart("inner-1", [text_part("level 1"), rfc822_part(level2)]))
    return simple(n, "nested rfc822 (3 levels)", rfc822_part(level1))


@case("rfc822-single-part", "message/rfc822 whose message is a single base64 part: IMAP path 2.1")
def _(n):
    inner = inner_message("single part", [
        'Content-Type: application/octet-stream; name="clam.exe"',
        "Content-Transfer-Encoding: base64"], b64_body(CLAM))
    return simple(n, "rfc822, single part inside", rfc822_part(inner))


@case("top-level-rfc822", "the whole body is a message/rfc822 (a bounce-like forward): path 1.2")
def _(n):
    inner = inner_message("forwarded", mixed_headers("fwd-1"),
                          multipart("fwd-1", [text_part("forwarded text"), attachment()]))
    return message(n, "top-level message/rfc822", [MIME, "Content-Type: message/rfc822"], inner)


@case("alternative-in-mixed", "mixed[alternative[text/plain, text/html], attachment]")
def _(n):
    alt = entity(['Content-Type: multipart/alternative; boundary="alt-1"'],
                 multipart("alt-1", [text_part("plain version"),
                                     text_part("<p>html version</p>", "text/html")]))
    return message(n, "alternative in mixed", mixed_headers(),
                   multipart("frontier-0001", [alt, attachment()]))


@case("attachment-in-alternative",
      "the attachment is the last alternative of a multipart/alternative (a client shows one)")
def _(n):
    headers = [MIME, 'Content-Type: multipart/alternative; boundary="alt-1"']
    return message(n, "attachment as an alternative", headers, multipart(
        "alt-1", [text_part("plain"), text_part("<p>html</p>", "text/html"), attachment()]))


@case("related", "multipart/related (type=text/html): html + the file labelled image/gif with a Content-ID")
def _(n):
    headers = [MIME, 'Content-Type: multipart/related; boundary="rel-1"; type="text/html"']
    html = text_part('<p><img src="cid:pic@x"></p>', "text/html")
    pic = attachment(ctype="image/gif", name="pic.gif", disposition="inline",
                     extra=["Content-ID: <pic@x>"])
    return message(n, "related", headers, multipart("rel-1", [html, pic]))


@case("digest", "multipart/digest whose parts have no Content-Type (default message/rfc822): attachment at 2.2")
def _(n):
    first = inner_message("digest entry 1", ["Content-Type: text/plain"], b"First entry.")
    second = inner_message("digest entry 2", mixed_headers("dig-2"),
                           multipart("dig-2", [text_part("entry 2"), attachment()]))
    headers = [MIME, 'Content-Type: multipart/digest; boundary="digest-1"']
    # A digest part without headers: an empty line, then the message.
    return message(n, "digest", headers, multipart("digest-1", [CRLF + first, CRLF + second]))


# -- structural defects -------------------------------------------------------------

@case("missing-close-boundary", "no close delimiter after the last part (the attachment)")
def _(n):
    return simple(n, "missing close delimiter", attachment(), close=False)


@case("truncated-last-part",
      "a text part after the attachment is cut mid-line: no close delimiter, no final line end")
def _(n):
    cut = entity(["Content-Type: text/plain"], b"This part was cut in the mid")
    body = multipart("frontier-0001", [text_part(), attachment(), cut], close=False)
    return message(n, "truncated last part", mixed_headers(), body[:-2], final_eol=False)


@case("truncated-base64-end",
      "the message ends right after the attachment's last base64 character: no padding, "
      "no line end, no close delimiter")
def _(n):
    body = multipart("frontier-0001", [text_part(), attachment()], close=False)
    body = body.rstrip(b"\r\n").rstrip(b"=")
    return message(n, "truncated base64", mixed_headers(), body, final_eol=False)


@case("duplicate-content-type-part",
      "the attachment part has two Content-Type headers: text/plain first, then application/octet-stream")
def _(n):
    return simple(n, "two Content-Types in a part",
                  attachment(extra=()).replace(b"Content-Type:", b"Content-Type: text/plain" +
                                               CRLF + b"Content-Type:", 1))


@case("duplicate-content-type-top-first",
      "two top-level Content-Type headers with different boundaries; the FIRST names the real one")
def _(n):
    headers = [MIME, 'Content-Type: multipart/mixed; boundary="frontier-0001"',
               'Content-Type: multipart/mixed; boundary="decoy-0002"']
    return simple(n, "two top Content-Types (first)", attachment(), headers=headers)


@case("duplicate-content-type-top-last",
      "two top-level Content-Type headers with different boundaries; the LAST names the real one")
def _(n):
    headers = [MIME, 'Content-Type: multipart/mixed; boundary="decoy-0002"',
               'Content-Type: multipart/mixed; boundary="frontier-0001"']
    return simple(n, "two top Content-Types (last)", attachment(), headers=headers)


@case("duplicate-content-disposition",
      "two Content-Disposition headers: inline filename=readme.txt, then attachment filename=clam.exe")
def _(n):
    return simple(n, "two Content-Dispositions", attachment(
        name=None, disposition=None,
        extra=['Content-Disposition: inline; filename="readme.txt"',
               'Content-Disposition: attachment; filename="clam.exe"']))


@case("duplicate-name-params", "two filename= and two name= parameters, harmless name first")
def _(n):
    return simple(n, "two filename parameters", entity([
        'Content-Type: application/octet-stream; name="readme.txt"; name="clam.exe"',
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="readme.txt"; filename="clam.exe"'],
        b64_body(CLAM)))


@case("duplicate-boundary-first", 'two boundary= parameters; the FIRST is the real one')
def _(n):
    headers = [MIME, 'Content-Type: multipart/mixed; boundary="frontier-0001"; boundary="decoy-0002"']
    return simple(n, "two boundary parameters (first)", attachment(), headers=headers)


@case("duplicate-boundary-last", 'two boundary= parameters; the LAST is the real one')
def _(n):
    headers = [MIME, 'Content-Type: multipart/mixed; boundary="decoy-0002"; boundary="frontier-0001"']
    return simple(n, "two boundary parameters (last)", attachment(), headers=headers)


# -- file names -------------------------------------------------------------------------

@case("rfc2231-name", "RFC 2231 extended parameters: name*=utf-8''cl%C3%A4m.exe, "
      "filename*=UTF-8'en'cl%C3%A4m.exe")
def _(n):
    return simple(n, "RFC 2231 name", entity([
        "Content-Type: application/octet-stream; name*=utf-8''cl%C3%A4m.exe",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename*=UTF-8'en'cl%C3%A4m.exe"], b64_body(CLAM)))


@case("rfc2231-continuations",
      "RFC 2231 continuations: filename*0*=utf-8''cl%C3%A4 + filename*1=m.exe (out of order), name*0/name*1")
def _(n):
    return simple(n, "RFC 2231 continuations", entity([
        'Content-Type: application/octet-stream;\r\n name*0="cl";\r\n name*1="am.exe"',
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;\r\n filename*1=\"m.exe\";\r\n"
        " filename*0*=utf-8''cl%C3%A4"], b64_body(CLAM)))


@case("rfc2047-name",
      "RFC 2047 encoded words as names: name=\"=?UTF-8?B?...?=\", filename=\"=?ISO-8859-1?Q?...?=\"")
def _(n):
    return simple(n, "RFC 2047 name", entity([
        'Content-Type: application/octet-stream; name="=?UTF-8?B?Y2zDpG0uZXhl?="',
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="=?ISO-8859-1?Q?cl=E4m=2Eexe?="'],
        b64_body(CLAM)))


@case("name-in-content-type-only", "name= in Content-Type, no Content-Disposition")
def _(n):
    return simple(n, "name only in Content-Type", attachment(disposition=None))


@case("no-name", "no name anywhere, no Content-Disposition")
def _(n):
    return simple(n, "no name", attachment(name=None, disposition=None))


# -- files embedded in text parts -------------------------------------------------------------

@case("uuencode-in-text", 'a "begin 644 clam.exe" uuencode block inside a text/plain body')
def _(n):
    body = b"Here is the file:" + CRLF + CRLF + uu_body(CLAM) + CRLF + CRLF + b"Bye."
    return message(n, "uuencode in text", mixed_headers(), multipart(
        "frontier-0001", [entity(["Content-Type: text/plain; charset=us-ascii"], body)]))


@case("uuencode-in-base64-text",
      "a space-style uuencode block inside a text/plain part that is itself base64-encoded")
def _(n):
    text = b"See below." + CRLF + uu_body(CLAM, mode="755", zero=b" ") + CRLF
    part = entity(["Content-Type: text/plain; charset=us-ascii",
                   "Content-Transfer-Encoding: base64"], b64_body(text))
    return message(n, "uuencode in base64 text", mixed_headers(),
                   multipart("frontier-0001", [part]))


@case("binhex-in-text", "a BinHex 4.0 block (this generator's encoder, RLE90 runs) in a text/plain body")
def _(n):
    body = b"Mac users:" + CRLF + CRLF + binhex_body(CLAM) + CRLF
    return simple(n, "BinHex in text", entity(["Content-Type: text/plain"], body))


@case("binhex-clamav-in-text", "ClamAV's own clam.exe.binhex pasted into a text/plain body")
def _(n):
    text = testfile("clam.exe.binhex").replace(b"\r\n", b"\n").replace(b"\n", CRLF)
    return simple(n, "ClamAV BinHex in text", entity(["Content-Type: text/plain"], text))


@case("yenc-in-text", "a yEnc block (=ybegin/=yend) inside a text/plain 8bit body")
def _(n):
    body = b"yEnc follows" + CRLF + yenc_body(CLAM) + CRLF
    return message(n, "yEnc in text", mixed_headers(), multipart("frontier-0001", [
        entity(["Content-Type: text/plain; charset=iso-8859-1",
                "Content-Transfer-Encoding: 8bit"], body)]))


@case("tnef", "ClamAV's clam.tnef as a winmail.dat application/ms-tnef attachment (clam.exe inside TNEF)")
def _(n):
    return simple(n, "TNEF", attachment(body=b64_body(testfile("clam.tnef")),
                                        name="winmail.dat", ctype="application/ms-tnef"))


# -- header oddities ----------------------------------------------------------------------------

@case("folded-content-type",
      "top Content-Type folded over four lines with tabs, the boundary value alone on a continuation line")
def _(n):
    headers = [MIME, 'Content-Type:\r\n\tmultipart/mixed;\r\n\t  boundary=\r\n \t"folded-b"']
    return simple(n, "folded Content-Type", attachment(), "folded-b", headers)


@case("lf-in-headers", "header lines ending in a bare LF mixed with CRLF ones (top and attachment)")
def _(n):
    att = entity(['Content-Type: application/octet-stream;\n name="clam.exe"',
                  "Content-Transfer-Encoding: base64\n"
                  'Content-Disposition: attachment; filename="clam.exe"'], b64_body(CLAM))
    headers = ["MIME-Version: 1.0\nX-Bare-LF: yes",
               'Content-Type: multipart/mixed;\n\tboundary="frontier-0001"']
    return simple(n, "bare LF in headers", att, headers=headers)


@case("long-header-lines",
      "a 20000-character header line, a 1200-character Content-Type line (long name), "
      "Content-Disposition beyond 998 characters")
def _(n):
    name = "a" * 1100 + ".exe"
    att = entity(['Content-Type: application/octet-stream; x-padding="%s"; name="%s"' % (
        "p" * 60, name), "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="%s"' % name], b64_body(CLAM))
    headers = ["X-Long: " + "long " * 4000, MIME,
               'Content-Type: multipart/mixed; boundary="frontier-0001"']
    return simple(n, "long header lines", att, headers=headers)


@case("empty-parameters",
      "5000 empty ';' parameters before boundary= in the top Content-Type, 3000 in the attachment's")
def _(n):
    headers = [MIME, "Content-Type: multipart/mixed" + ";" * 5000 + ' boundary="frontier-0001"']
    att = entity(["Content-Type: application/octet-stream" + ";" * 3000 + ' name="clam.exe"',
                  "Content-Transfer-Encoding: base64"], b64_body(CLAM))
    return simple(n, "empty parameters", att, headers=headers)


@case("no-mime-version", "a multipart message without MIME-Version")
def _(n):
    headers = ['Content-Type: multipart/mixed; boundary="frontier-0001"']
    return simple(n, "no MIME-Version", attachment(), headers=headers)


@case("uppercase-types", "MULTIPART/MIXED; BOUNDARY=..., APPLICATION/OCTET-STREAM; NAME=..., FILENAME=")
def _(n):
    headers = [MIME, 'CONTENT-TYPE: MULTIPART/MIXED; BOUNDARY="frontier-0001"']
    att = entity(['CONTENT-TYPE: APPLICATION/OCTET-STREAM; NAME="CLAM.EXE"',
                  "CONTENT-TRANSFER-ENCODING: BASE64",
                  'CONTENT-DISPOSITION: ATTACHMENT; FILENAME="CLAM.EXE"'], b64_body(CLAM))
    return simple(n, "uppercase", att, headers=headers)


# ClamAV's own test mails that carry clam.exe, copied as cl-NAME.eml.
CLAMAV_MAILS = [
    ("clam.mail", "ClamAV's clam.mail: multipart/mixed, base64 attachment (LF line ends)"),
    ("clam.exe.mbox.base64", "ClamAV's single-part Base64 message (mbox From_ line stripped, LF)"),
    ("clam.exe.mbox.uu", "ClamAV's single-part x-uuencode message; its last line is 'e', not 'end' "
                         "(mbox From_ line stripped, LF)"),
]


def clamav_mail(name):
    """A ClamAV test mail as an MTA would hand it over: without the mbox
    "From " separator line."""
    data = testfile(name)
    if data.startswith(b"From "):
        data = data[data.index(b"\n") + 1:]
    return data


def corpus():
    """(file name, description, bytes) for every message, in order."""
    for n, (name, description, build) in enumerate(CASES, 1):
        yield "%02d-%s.eml" % (n, name), description, build(n)
    for name, description in CLAMAV_MAILS:
        yield "cl-%s.eml" % name, description, clamav_mail(name)


def main(argv):
    if len(argv) == 3 and argv[2] == "--list" or argv[1:] == ["--list"]:
        for name, description, _ in corpus():
            print("%s: %s" % (name, description))
        return 0
    if len(argv) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    count = 0
    for name, _, data in corpus():
        with open(os.path.join(argv[1], name), "wb") as f:
            f.write(data)
        count += 1
    print("gen-differential: %d messages" % count, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
