#!/usr/bin/env python3
"""pydecode.py FILE...

What Python's email package makes of each message: one JSON line per file,

  {"file": PATH,
   "leaves": [{"path": "2", "type": "application/octet-stream",
               "filename": "clam.exe" | null, "names": [...],
               "encoding": "base64", "size": 544, "sha256": HEX,
               "policies": ["compat32", "default"]}, ...],
   "embedded": [{"kind": "uuencode" | "binhex" | "yenc" | "tnef",
                 "path": "1", "name": "clam.exe", "size": 544,
                 "sha256": HEX, "complete": true}, ...],
   "carries_clam": true | false}

Each message is parsed twice, with email.policy.compat32 and with
email.policy.default, and the leaves of both are reported (their union,
keyed by path and digest; "policies" says which parse saw each).  A leaf is
a part that is not a multipart and not a message/rfc822 with a parsed
message inside; its content is get_payload(decode=True).  Paths follow IMAP
(RFC 3501 6.4.5): a single-part message's body is "1", a multipart's
children are 1, 2, 3..., a message/rfc822 part P has its message's body
parts as P.1, P.2... (P.1 alone when that message is not a multipart).

"embedded" lists files a mail client or a user could extract from the
decoded text/* leaves (uuencode, BinHex 4.0, yEnc blocks) and from TNEF
(winmail.dat) leaves, decoded here by small decoders of our own.
"filename" prefers the default policy's (it decodes RFC 2047 words);
"names" has every distinct name either parse gave.
"carries_clam" is true when a leaf or an embedded file is clam.exe.

Messages are read as stored (CRLF line ends, as SMTP carries them).
Standard library only."""
import email
import email.policy
import hashlib
import json
import re
import sys

CLAM_SHA256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"
POLICIES = (("compat32", email.policy.compat32), ("default", email.policy.default))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------
# Walking the parts with IMAP numbering.

def child_path(prefix, index):
    return "%s.%d" % (prefix, index) if prefix else str(index)


def encapsulated(part):
    """The message inside a message/* part Python parsed, else None.
    (Python parses message/rfc822, and the default type of a digest's
    parts, into a one-element list.)"""
    if part.get_content_maintype() != "message":
        return None
    payload = part.get_payload()
    if isinstance(payload, list) and len(payload) == 1:
        return payload[0]
    return None


def body_leaves(msg, prefix):
    """The leaves of the body of message MSG, whose body parts are numbered
    under PREFIX ("" for the top-level message)."""
    if msg.is_multipart() and encapsulated(msg) is None:
        for index, child in enumerate(msg.get_payload(), 1):
            yield from part_leaves(child, child_path(prefix, index))
    else:
        # A single-part body is part 1 of its message.
        yield from part_leaves(msg, child_path(prefix, 1))


def part_leaves(part, path):
    """(path, part) for every leaf at or under PART, which sits at PATH."""
    inner = encapsulated(part)
    if inner is not None:
        yield from body_leaves(inner, path)
    elif part.is_multipart():
        for index, child in enumerate(part.get_payload(), 1):
            yield from part_leaves(child, child_path(path, index))
    else:
        yield path, part


# ---------------------------------------------------------------------------
# Decoders for files embedded in text.  Each takes the decoded text as str
# (Latin-1, so every byte maps to one character) and yields
# (kind, name, data, complete).

def split_lines(text):
    """Lines ended by LF or CRLF only: str.splitlines() would also split at
    form feeds, 0x1c-0x1e and 0x85, bytes that binary-ish yEnc data holds."""
    return re.split(r"\r?\n", text)


UU_BEGIN = re.compile(r"^begin +([0-7]{3,4}) +(.+?)\s*$")


def uu_line(line):
    """One uuencoded line: a length character, then 4 characters per 3
    bytes.  Missing characters (stripped trailing blanks) count as zero."""
    def value(ch):
        return (ord(ch) - 32) & 63

    count = value(line[0])
    chars = line[1:]
    out = bytearray()
    for i in range(0, (count + 2) // 3 * 4, 4):
        group = chars[i:i + 4].ljust(4, " ")
        bits = 0
        for ch in group:
            bits = (bits << 6) | value(ch)
        out += bits.to_bytes(3, "big")
    return bytes(out[:count])


def uudecode_blocks(text):
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        begin = UU_BEGIN.match(lines[i])
        i += 1
        if not begin:
            continue
        data, complete, blank = bytearray(), False, False
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.strip() == "end":
                complete = True
                break
            if blank or any(not 32 <= ord(c) <= 96 for c in line):
                break                          # not uuencode any more
            if not line:
                # The zero-length line before "end" once stripped of its
                # blank: only "end" may follow.
                blank = True
                continue
            data += uu_line(line)
        yield "uuencode", begin.group(2), bytes(data), complete


BINHEX_ALPHABET = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
BINHEX_VALUE = {c: i for i, c in enumerate(BINHEX_ALPHABET)}
BINHEX_TAG = re.compile(r"\(This file must be converted with BinHex 4\.0\)[^:]*:([^:]*):?")


def crc_ccitt(data):
    """BinHex's CRC: polynomial 0x1021, initial 0, not reflected."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def unrle90(data):
    """Undo BinHex's run-length coding: 0x90 0x00 is a literal 0x90,
    0x90 N repeats the previous byte to a run of N."""
    out, i = bytearray(), 0
    while i < len(data):
        byte = data[i]
        if byte == 0x90 and i + 1 < len(data):
            count = data[i + 1]
            i += 2
            if count == 0:
                out.append(0x90)
            elif out:
                out += out[-1:] * (count - 1)
            continue
        out.append(byte)
        i += 1
    return bytes(out)


def binhex_blocks(text):
    for match in BINHEX_TAG.finditer(text):
        chars = [c for c in match.group(1) if c in BINHEX_VALUE]
        bits, nbits, packed = 0, 0, bytearray()
        for ch in chars:
            bits = (bits << 6) | BINHEX_VALUE[ch]
            nbits += 6
            if nbits >= 8:
                nbits -= 8
                packed.append((bits >> nbits) & 0xFF)
                bits &= (1 << nbits) - 1
        stream = unrle90(bytes(packed))
        if not stream:
            continue
        namelen = stream[0]
        header_end = 1 + namelen + 1 + 4 + 4 + 2 + 4 + 4
        header = stream[:header_end]
        if len(header) < header_end:
            continue
        name = header[1:1 + namelen].decode("latin-1")
        data_len = int.from_bytes(header[header_end - 8:header_end - 4], "big")
        start = header_end + 2
        data = stream[start:start + data_len]
        data_crc = stream[start + data_len:start + data_len + 2]
        complete = (stream[header_end:header_end + 2] == crc_ccitt(header).to_bytes(2, "big")
                    and len(data) == data_len
                    and data_crc == crc_ccitt(data).to_bytes(2, "big"))
        yield "binhex", name, data, complete


YENC_BEGIN = re.compile(r"^=ybegin .*?\bname=(.*?)\s*$")
YENC_SIZE = re.compile(r"\bsize=(\d+)")


def yenc_blocks(text):
    lines = split_lines(text)
    i = 0
    while i < len(lines):
        begin = YENC_BEGIN.match(lines[i])
        i += 1
        if not begin:
            continue
        size = YENC_SIZE.search(lines[i - 1])
        data, escape, ended = bytearray(), False, False
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.startswith("=yend"):
                ended = True
                break
            if line.startswith("=ypart"):
                continue
            for ch in line.encode("latin-1"):
                if ch == 61 and not escape:     # "=": the next byte is escaped
                    escape = True
                    continue
                data.append((ch - (64 if escape else 0) - 42) % 256)
                escape = False
        complete = ended and size is not None and int(size.group(1)) == len(data)
        yield "yenc", begin.group(1), bytes(data), complete


TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
TNEF_ATTACH_TITLE = 0x00018010      # attAttachTitle: the file's name
TNEF_ATTACH_DATA = 0x0006800F       # attAttachData: the file's bytes
TNEF_ATTACH_REND = 0x00069002       # attAttachRendData: starts an attachment


def tnef_files(data):
    """The attachments of a TNEF stream (MS-OXTNEF): a signature, a 2-byte
    key, then attributes: level (1 byte), id (4), length (4), the value,
    a 2-byte checksum; all little-endian.  An attachment's attributes follow
    its attAttachRendData; "complete" says its data attribute was whole."""
    if not data.startswith(TNEF_SIGNATURE):
        return
    pos, name, blob = 6, None, None
    while pos + 9 <= len(data):
        attr = int.from_bytes(data[pos + 1:pos + 5], "little")
        length = int.from_bytes(data[pos + 5:pos + 9], "little")
        value = data[pos + 9:pos + 9 + length]
        pos += 9 + length + 2
        if attr == TNEF_ATTACH_REND:
            if blob is not None:
                yield "tnef", name, blob[0], blob[1]
            name, blob = None, None
        elif attr == TNEF_ATTACH_TITLE:
            name = value.rstrip(b"\0").decode("latin-1")
        elif attr == TNEF_ATTACH_DATA:
            blob = (value, len(value) == length)
    if blob is not None:
        yield "tnef", name, blob[0], blob[1]


def embedded_files(part, data):
    """Files inside one leaf's decoded content."""
    if part.get_content_maintype() == "text":
        text = data.decode("latin-1")
        yield from uudecode_blocks(text)
        yield from binhex_blocks(text)
        yield from yenc_blocks(text)
    if data.startswith(TNEF_SIGNATURE):
        yield from tnef_files(data)


# ---------------------------------------------------------------------------

def leaf_info(part):
    """(data, filename, encoding) of a leaf; a part whose decoding raises
    counts as empty (a client would show nothing)."""
    try:
        data = part.get_payload(decode=True)
    except Exception:                                  # noqa: BLE001
        data = None
    if isinstance(data, str):
        data = data.encode("latin-1", "replace")
    try:
        name = part.get_filename()
    except Exception:                                  # noqa: BLE001
        name = None
    cte = part.get("Content-Transfer-Encoding")
    return data or b"", None if name is None else str(name), \
        "" if cte is None else str(cte).strip().lower()


def parse(raw, policy):
    """(path, part) of every leaf, or [] when this policy's parser raises."""
    try:
        msg = email.message_from_bytes(raw, policy=policy)
        return list(body_leaves(msg, ""))
    except Exception as exc:                           # noqa: BLE001
        print("pydecode: %s" % exc, file=sys.stderr)
        return []


def describe(path):
    with open(path, "rb") as f:
        raw = f.read()
    leaves, embedded = {}, {}
    for policy_name, policy in POLICIES:
        for where, part in parse(raw, policy):
            data, name, cte = leaf_info(part)
            digest = sha256(data)
            leaf = leaves.setdefault((where, digest), {
                "path": where, "type": part.get_content_type(), "filename": None,
                "names": [], "encoding": cte, "size": len(data), "sha256": digest,
                "policies": []})
            leaf["policies"].append(policy_name)
            if name is not None:
                if name not in leaf["names"]:
                    leaf["names"].append(name)
                if leaf["filename"] is None or policy_name == "default":
                    leaf["filename"] = name
            for kind, fname, blob, complete in embedded_files(part, data):
                embedded.setdefault((where, kind, sha256(blob)), {
                    "kind": kind, "path": where, "name": fname, "size": len(blob),
                    "sha256": sha256(blob), "complete": complete})
    digests = {l["sha256"] for l in leaves.values()} | {e["sha256"] for e in embedded.values()}
    return {"file": path, "leaves": list(leaves.values()), "embedded": list(embedded.values()),
            "carries_clam": CLAM_SHA256 in digests}


def main(paths):
    for path in paths:
        print(json.dumps(describe(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
