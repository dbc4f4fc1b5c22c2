#!/usr/bin/python3
"""Committed DKIM and ARC test data for tests/unit/auth_test.c and
tests/fuzz/fuzz-auth.c.

    tests/data/auth/make.py [OUTDIR]     (default: this directory)

writes keys.zone (the public key records, one TXT per line, zone file
syntax) and the signed messages *.eml (LF line ends, as on disk). Run once;
its output is committed, so the tests need no Python and no key generation.
Keys are fresh each run, so re-running changes every file: the tests read
keys.zone and so still pass. No signature has x=: they never expire.

DKIM signatures are made here (tests/auth/fixtures.py's canonical forms,
extended with simple canonicalization, rsa-sha1, i= and l=); ARC sets with
dkimpy's ARC signer. Every message meant to pass is checked with dkimpy
before it is written.
"""
import base64
import hashlib
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "auth"))
from fixtures import Key, split_message, relaxed_header, relaxed_body  # noqa: E402

import dkim  # noqa: E402  dkimpy: ARC sets and the cross-check

T = 1796299200  # 2026-12-03, the t= of every signature
FROM = b"Alice <alice@sign.test>"
BODY = (b"Hello,\n\nA message for the authentication unit tests.\n"
        b"Trailing spaces and  double  spaces are here:   \n\n-- \nAlice\n\n\n")


def simple_body(body):
    """RFC 6376 3.4.3: trailing empty lines dropped; an empty body is CRLF."""
    while body.endswith(b"\r\n\r\n"):
        body = body[:-2]
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body


def message(subject, extra=b""):
    return (b"From: " + FROM + b"\nTo: bob@example.test\nSubject: " + subject
            + b"\nDate: Thu, 03 Dec 2026 12:00:00 +0000\nMessage-ID: <" + subject.split()[0]
            + b"@sign.test>\nMIME-Version: 1.0\nContent-Type: text/plain\n" + extra + b"\n"
            + BODY)


def sign(msg, key, selector, domain=b"sign.test", canon="relaxed/relaxed", sha1=False,
         heads=(b"from", b"to", b"subject", b"date", b"message-id"), identity=None,
         length=False):
    """msg with a DKIM-Signature on top, written from RFC 6376 (and 8463)."""
    hcanon, bcanon = canon.split("/")
    fields, body = split_message(msg)
    cbody = relaxed_body(body) if bcanon == "relaxed" else simple_body(body)
    digest = hashlib.sha1 if sha1 else hashlib.sha256
    alg = b"rsa-sha1" if sha1 else b"rsa-sha256" if key.kind == "rsa" else b"ed25519-sha256"
    tags = [(b"v", b"1"), (b"a", alg), (b"c", canon.encode()), (b"d", domain),
            (b"s", selector), (b"t", str(T).encode())]
    if identity:
        tags.append((b"i", identity))
    if length:
        tags.append((b"l", str(len(cbody)).encode()))
    tags += [(b"h", b":".join(heads)),
             (b"bh", base64.b64encode(digest(cbody).digest())), (b"b", b"")]
    value = b" " + b";\r\n\t".join(b"%s=%s" % kv for kv in tags)
    data = b""
    used = {}
    for h in heads:
        found = [f for f in fields if f[0].strip().lower() == h]
        n = used.get(h, 0)
        used[h] = n + 1
        if n < len(found):
            f = found[len(found) - 1 - n]
            data += (relaxed_header(f[0], f[1]) if hcanon == "relaxed"
                     else f[0] + b":" + f[1]) + b"\r\n"
    data += (relaxed_header(b"DKIM-Signature", value) if hcanon == "relaxed"
             else b"DKIM-Signature:" + value)
    if sha1:
        sig = key.priv.sign(data, padding.PKCS1v15(), hashes.SHA1())
    else:
        sig = key.sign(data)
    sig = base64.b64encode(sig)
    folded = b"\r\n\t".join(sig[i:i + 64] for i in range(0, len(sig), 64))
    head = b"DKIM-Signature:" + value + folded
    return head.replace(b"\r\n", b"\n") + b"\n" + msg


def arc_seal(msg, key, domain, cv):
    """msg with an Authentication-Results of domain and its ARC set on top."""
    ar = (b"Authentication-Results: " + domain + b"; dkim=pass header.d=sign.test"
          + (b"; arc=" + cv if cv else b"") + b"\n")
    crlf = (ar + msg).replace(b"\n", b"\r\n")
    sealed = b"".join(dkim.arc_sign(crlf, b"arc", domain, key.pem(), domain, timestamp=T))
    assert sealed, "dkimpy made no ARC set"
    return (sealed + crlf).replace(b"\r\n", b"\n")


def main(out):
    keys = {"rsa": Key("rsa"), "ed": Key("ed25519"), "small": Key("rsa", 512)}
    records = [(b"rsa._domainkey.sign.test", keys["rsa"].txt()),
               (b"ed._domainkey.sign.test", keys["ed"].txt()),
               (b"small._domainkey.sign.test", keys["small"].txt()),
               (b"revoked._domainkey.sign.test", "v=DKIM1; k=rsa; p="),
               (b"arc._domainkey.fwd.test", keys["rsa"].txt()),
               (b"arc._domainkey.list.test", keys["rsa"].txt())]

    def dns(name, timeout=5):
        for n, r in records:
            if name.rstrip(b".") == n:
                return r.encode()
        return None

    msgs = {}
    rsa, ed = keys["rsa"], keys["ed"]
    msgs["dkim-rsa"] = sign(message(b"rsa pass"), rsa, b"rsa")
    msgs["dkim-ed25519"] = sign(message(b"ed25519 pass"), ed, b"ed")
    folded = message(b"simple\n folded\tsubject  ", b"X-Spaces:  odd   \n")
    msgs["dkim-simple"] = sign(folded, rsa, b"rsa", canon="simple/simple",
                               heads=(b"from", b"subject", b"x-spaces", b"date"))
    msgs["dkim-no-key"] = sign(message(b"nokey"), rsa, b"missing")
    msgs["dkim-dns-error"] = sign(message(b"dnserror"), rsa, b"broken")
    msgs["dkim-revoked"] = sign(message(b"revoked"), rsa, b"revoked")
    msgs["dkim-rsa-sha1"] = sign(message(b"sha1"), rsa, b"rsa", sha1=True)
    msgs["dkim-small-key"] = sign(message(b"small"), keys["small"], b"small")
    msgs["dkim-length"] = (sign(message(b"length"), rsa, b"rsa", length=True)
                           + b"Appended by a list: unsubscribe at list.example.test\n")
    msgs["dkim-identity"] = sign(message(b"identity"), rsa, b"rsa", identity=b"a@other.test")
    msgs["dkim-no-from"] = sign(message(b"nofrom"), rsa, b"rsa",
                                heads=(b"to", b"subject", b"date"))
    m = message(b"many signatures")
    for _ in range(10):
        m = sign(m, rsa, b"rsa")
    msgs["dkim-many"] = m
    m = arc_seal(sign(message(b"arc chain"), rsa, b"rsa"), rsa, b"fwd.test", None)
    msgs["arc-chain"] = arc_seal(m, rsa, b"list.test", b"pass")

    for name in ("dkim-rsa", "dkim-ed25519", "dkim-simple", "dkim-length", "dkim-many"):
        assert dkim.verify(msgs[name].replace(b"\n", b"\r\n"), dnsfunc=dns), name
    cv, _, why = dkim.arc_verify(msgs["arc-chain"].replace(b"\n", b"\r\n"), dnsfunc=dns)
    assert cv == b"pass", why

    with open(os.path.join(out, "keys.zone"), "w") as f:
        f.write("; written by make.py: the public keys of the signed *.eml here\n")
        for name, r in records:
            chunks = " ".join('"%s"' % r[i:i + 255] for i in range(0, len(r), 255))
            f.write("%s. 300 IN TXT %s\n" % (name.decode(), chunks))
    for name, m in msgs.items():
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(m)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
