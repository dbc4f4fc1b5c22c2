#!/usr/bin/env python3
"""pydecode.py FILE...: what Python's email package makes of each message,
as one JSON line per file: every leaf part (IMAP path, type, file name,
transfer encoding, decoded size and SHA-256) under both the compat32 and the
default policy (their union), plus the files embedded in decoded text parts
(uuencode, BinHex 4.0, yEnc) that a mail client could extract.
Messages are read as sent (CRLF line ends), as the engine reads them."""
import binascii
import email
import email.policy
import hashlib
import json
import re
import sys

CLAM_SHA256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"


def leaves(part, path):
    """(path, part) for every non-multipart part, IMAP numbering."""
    if part.get_content_type() == "message/rfc822" and isinstance(part.get_payload(), list):
        for inner in part.get_payload():
            # The body of an attached message: its parts are PATH.1, PATH.2...
            yield from leaves(inner, path) if inner.is_multipart() else \
                leaves_single(inner, path + ".1")
    elif part.is_multipart():
        for i, child in enumerate(part.get_payload(), 1):
            yield from leaves(child, "%s.%d" % (path, i) if path else str(i))
    else:
        yield (path or "1", part)


def leaves_single(part, path):
    if part.is_multipart() or part.get_content_type() == "message/rfc822":
        yield from leaves(part, path)
    else:
        yield (path, part)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def uudecode_blocks(text):
    for m in re.finditer(r"^begin [0-7]{3} ([^\r\n]*)\r?\n((?:.*\n)*?)end\r?$", text, re.M):
        out = b""
        for line in m.group(2).splitlines():
            if line in ("", "`"):
                continue
            try:
                out += binascii.a2b_uu(line)
            except binascii.Error:
                pass
        yield ("uuencode", m.group(1).strip(), out)


BINHEX = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"


def binhex_blocks(text):
    """BinHex 4.0: 6-bit text, RLE90, then header, data fork, resource fork."""
    m = re.search(r"\(This file must be converted with BinHex 4\.0\)\s*:([^:]*):", text)
    if not m:
        return
    bits, nbits, raw = 0, 0, bytearray()
    for c in m.group(1):
        if c in "\r\n\t ":
            continue
        bits = (bits << 6) | BINHEX.index(c)
        nbits += 6
        if nbits >= 8:
            nbits -= 8
            raw.append((bits >> nbits) & 0xFF)
    out, i, last = bytearray(), 0, None
    while i < len(raw):
        b = raw[i]
        if b == 0x90 and i + 1 < len(raw):
            count = raw[i + 1]
            i += 2
            if count == 0:
                out.append(0x90)
                last = 0x90
            elif last is not None:
                out += bytes([last]) * (count - 1)
            continue
        out.append(b)
        last = b
        i += 1
    n = out[0]
    name = out[1:1 + n].decode("latin-1")
    pos = 1 + n + 1 + 4 + 4 + 2
    data_len = int.from_bytes(out[pos:pos + 4], "big")
    start = pos + 4 + 4 + 2
    yield ("binhex", name, bytes(out[start:start + data_len]))


def yenc_blocks(text):
    for m in re.finditer(r"^=ybegin .*?name=([^\r\n]*)\r?\n((?:.*\n)*?)=yend", text, re.M):
        out, escape = bytearray(), False
        for line in m.group(2).split("\n"):
            line = line.rstrip("\r")
            if line.startswith("=y"):
                continue
            for ch in line.encode("latin-1"):
                if not escape and ch == ord("="):
                    escape = True
                    continue
                out.append((ch - (64 if escape else 0) - 42) % 256)
                escape = False
        yield ("yenc", m.group(1).strip(), bytes(out))


def describe(path):
    raw = open(path, "rb").read()
    found, embedded = {}, {}
    for policy in (email.policy.compat32, email.policy.default):
        try:
            msg = email.message_from_bytes(raw, policy=policy)
            parts = list(leaves(msg, ""))
        except Exception as e:  # a parser that gives up decodes nothing
            print("%s: %s" % (path, e), file=sys.stderr)
            continue
        for where, part in parts:
            try:
                data = part.get_payload(decode=True) or b""
                name = part.get_filename()
            except Exception:
                data, name = b"", None
            leaf = {"path": where, "type": part.get_content_type(), "filename": name,
                    "encoding": str(part.get("Content-Transfer-Encoding", "")).lower(),
                    "size": len(data), "sha256": sha(data)}
            found[(where, leaf["sha256"])] = leaf
            if part.get_content_maintype() == "text":
                text = data.decode("latin-1")
                for kind, fname, blob in (list(uudecode_blocks(text)) + list(binhex_blocks(text)) +
                                          list(yenc_blocks(text))):
                    embedded[(kind, sha(blob))] = {"kind": kind, "name": fname, "sha256": sha(blob)}
    shas = {l["sha256"] for l in found.values()} | {e["sha256"] for e in embedded.values()}
    return {"file": path, "leaves": list(found.values()), "embedded": list(embedded.values()),
            "carries_clam": CLAM_SHA256 in shas}


for name in sys.argv[1:]:
    print(json.dumps(describe(name)))
