#!/usr/bin/python3
"""Sender-authentication fixtures: keys, DNS zones, messages and the expected
results of every case.

    tests/auth/fixtures.py OUTDIR

writes
    OUTDIR/keys/<name>.pem        private keys (fresh every run)
    OUTDIR/zones/<zone>.zone      one zone file per domain, for knotd
    OUTDIR/msgs/<case>.eml        the messages, LF line endings (as in a mail
                                  queue file; DKIM/ARC canonicalise to CRLF)
    OUTDIR/cases.tsv              per case: name, client ip, helo, mail from
                                  ("<>" for the null sender) and the expected
                                  results (see COLUMNS)

The structure (domains, records, cases, expected results) is fixed; keys,
signatures and time stamps change from run to run.

DKIM signatures are made here (relaxed/relaxed, written from RFC 6376 and
RFC 8463) rather than with dkimpy, so the reference verifier checks a signer
that is not its own. ARC sets are made with dkimpy's arc_sign (the forwarder's
role); their verification is dkimpy's too (see README).
"""
import base64
import hashlib
import os
import re
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

COLUMNS = ["case", "ip", "helo", "mailfrom",
           "spf", "spf_helo", "dkim", "dmarc", "dmarc_policy", "arc"]

# ---------------------------------------------------------------- keys ------


class Key:
    def __init__(self, kind, bits=2048):
        self.kind = kind
        if kind == "rsa":
            self.priv = rsa.generate_private_key(public_exponent=65537, key_size=bits)
            der = self.priv.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        else:
            self.priv = ed25519.Ed25519PrivateKey.generate()
            der = self.priv.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.p = base64.b64encode(der).decode()

    def pem(self):
        if self.kind == "rsa":  # PKCS#1, what dkimpy's arc_sign reads
            return self.priv.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption())
        return self.priv.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())

    def txt(self):
        return "v=DKIM1; k=%s; p=%s" % ("rsa" if self.kind == "rsa" else "ed25519", self.p)

    def sign(self, digest_input):
        if self.kind == "rsa":
            return self.priv.sign(digest_input, padding.PKCS1v15(), hashes.SHA256())
        # RFC 8463: Ed25519 (pure) over the SHA-256 hash of the header data
        return self.priv.sign(hashlib.sha256(digest_input).digest())


# ------------------------------------------------------ DKIM signing --------

def split_message(msg):
    """bytes (LF or CRLF) -> ([(name, raw value incl. folding, CRLF)], body CRLF)"""
    msg = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    head, _, body = msg.partition(b"\r\n\r\n")
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b"\r\n" + line
        else:
            name, _, value = line.partition(b":")
            fields.append([name, value])
    return fields, body


def relaxed_header(name, value):
    v = re.sub(rb"\r\n", b"", value)
    v = re.sub(rb"[ \t]+", b" ", v).strip(b" ")
    return name.strip().lower() + b":" + v


def relaxed_body(body):
    lines = body.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [re.sub(rb"[ \t]+", b" ", ln).rstrip(b" ") for ln in lines]
    while lines and lines[-1] == b"":
        lines.pop()
    return b"".join(ln + b"\r\n" for ln in lines)


def dkim_sign(msg, key, domain, selector, heads=("from", "to", "subject", "date", "message-id"),
              t=None, x=None, length=False, sign_key=None):
    """Returns msg with a DKIM-Signature field on top. sign_key (default key)
    makes the signature; key only names the algorithm."""
    sign_key = sign_key or key
    fields, body = split_message(msg)
    cbody = relaxed_body(body)
    tags = [("v", "1"),
            ("a", "rsa-sha256" if key.kind == "rsa" else "ed25519-sha256"),
            ("c", "relaxed/relaxed"), ("d", domain), ("s", selector),
            ("t", str(int(time.time()) if t is None else t))]
    if x is not None:
        tags.append(("x", str(x)))
    if length:
        tags.append(("l", str(len(cbody))))
    tags += [("h", ":".join(heads)),
             ("bh", base64.b64encode(hashlib.sha256(cbody).digest()).decode()),
             ("b", "")]
    value = " " + "; ".join("%s=%s" % kv for kv in tags)
    # The header fields named in h=, each instance from the bottom up.
    data = b""
    used = {}
    for h in heads:
        found = [f for f in fields if f[0].strip().lower() == h.encode()]
        n = used.get(h, 0)
        used[h] = n + 1
        if n < len(found):
            f = found[len(found) - 1 - n]
            data += relaxed_header(f[0], f[1]) + b"\r\n"
    data += relaxed_header(b"DKIM-Signature", value.encode())
    sig = base64.b64encode(sign_key.sign(data)).decode()
    # Fold b= onto lines of 72 (folding whitespace is ignored in b=).
    folded = "\n\t".join(sig[i:i + 72] for i in range(0, len(sig), 72))
    head = ("DKIM-Signature:" + value.replace("; h=", ";\n\th=").replace("; bh=", ";\n\tbh=")
            + "\n\t" + folded)
    return head.encode() + b"\n" + msg


def replace_header(msg, name, new_value):
    head, _, body = msg.partition(b"\n\n")
    out = []
    for line in head.split(b"\n"):
        if line.lower().startswith(name.lower() + b":"):
            line = name + b": " + new_value
        out.append(line)
    return b"\n".join(out) + b"\n\n" + body


def message(frm, to, subject, body, msgid, extra=b""):
    return (extra + b"From: " + frm + b"\nTo: " + to + b"\nSubject: " + subject
            + b"\nDate: Thu, 03 Dec 2026 12:00:00 +0000\nMessage-ID: <" + msgid
            + b">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n" + body)


BODY = (b"Hello,\n\nThis is a test message for sender authentication.\n"
        b"Trailing spaces and  double  spaces are here:   \n\n-- \nThe sender\n")

# ----------------------------------------------------------- zones ----------


def zone_text(zone, records):
    lines = ["$ORIGIN %s." % zone, "$TTL 300",
             "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300" % (zone, zone),
             "@ NS ns.%s." % zone, "ns A 127.0.0.1"]
    for name, rtype, data in records:
        if rtype == "TXT":
            # Character-strings of at most 255 octets (RFC 1035 3.3.14).
            data = " ".join('"%s"' % data[i:i + 255] for i in range(0, len(data), 255))
        lines.append("%s %s %s" % (name, rtype, data))
    return "\n".join(lines) + "\n"


def main(out):
    for d in ("keys", "zones", "msgs"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    keys = {n: Key(k, b) for n, k, b in [
        ("good-rsa", "rsa", 2048), ("good-ed", "ed25519", 0), ("good-weak", "rsa", 512),
        ("attacker", "rsa", 2048), ("news", "rsa", 2048), ("strict", "rsa", 2048),
        ("bank", "rsa", 2048), ("forwarder", "rsa", 2048)]}
    for n, k in keys.items():
        with open(os.path.join(out, "keys", n + ".pem"), "wb") as f:
            f.write(k.pem())

    zones = {
        "good.test": [
            ("@", "TXT", "v=spf1 ip4:192.0.2.10 ip6:2001:db8:10::/48 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=none"),
            ("rsa._domainkey", "TXT", keys["good-rsa"].txt()),
            ("ed._domainkey", "TXT", keys["good-ed"].txt()),
            ("weak._domainkey", "TXT", keys["good-weak"].txt()),
            ("revoked._domainkey", "TXT", "v=DKIM1; k=rsa; p="),
            # HELO names: "a" looks at A for IPv4 clients, AAAA for IPv6.
            ("mail", "A", "192.0.2.10"),
            ("mail", "TXT", "v=spf1 a -all"),
            ("mail6", "AAAA", "2001:db8:10::25"),
            ("mail6", "TXT", "v=spf1 a -all"),
        ],
        "bank.test": [
            ("@", "TXT", "v=spf1 ip4:192.0.2.20 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@bank.test"),
            ("rsa._domainkey", "TXT", keys["bank"].txt()),
        ],
        "news.test": [
            # p=quarantine for the domain, sp=reject for its subdomains
            ("@", "TXT", "v=spf1 ip4:192.0.2.40 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=quarantine; sp=reject"),
            ("rsa._domainkey", "TXT", keys["news"].txt()),
        ],
        "esp.test": [  # a bulk sender sending for news.test
            ("@", "TXT", "v=spf1 ip4:203.0.113.0/24 -all"),
        ],
        "relaxed.test": [
            ("@", "TXT", "v=spf1 -all"),
            ("mail", "TXT", "v=spf1 ip4:192.0.2.30 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=reject"),
        ],
        "strict.test": [
            ("@", "TXT", "v=spf1 -all"),
            ("mail", "TXT", "v=spf1 ip4:192.0.2.50 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=reject; adkim=s; aspf=s"),
            ("rsa._domainkey", "TXT", keys["strict"].txt()),
            ("rsa._domainkey.mail", "TXT", keys["strict"].txt()),
        ],
        "pct.test": [
            ("@", "TXT", "v=spf1 ip4:192.0.2.60 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=reject; pct=0"),
        ],
        "forwarder.test": [
            ("@", "TXT", "v=spf1 ip4:198.51.100.25 -all"),
            ("_dmarc", "TXT", "v=DMARC1; p=none"),
            ("arc._domainkey", "TXT", keys["forwarder"].txt()),
        ],
        "evil.test": [],
        "example.test": [],  # the recipients' and relays' names
        "spf.test": [
            ("ip4", "TXT", "v=spf1 ip4:192.0.2.0/25 -all"),
            ("include", "TXT", "v=spf1 include:ip4.spf.test -all"),
            ("redirect", "TXT", "v=spf1 redirect=ip4.spf.test"),
            ("macro", "TXT", "v=spf1 exists:%{i}._spf.spf.test -all"),
            ("192.0.2.77._spf", "A", "127.0.0.2"),
            ("softfail", "TXT", "v=spf1 ip4:192.0.2.1 ~all"),
            # 11 DNS-querying terms; none matches 192.0.2.99 -> permerror
            # at the 11th (RFC 7208 4.6.4). Every name exists, so the void
            # lookup limit (2) is not what stops it.
            ("toomany", "TXT", "v=spf1 " + " ".join("a:h%d.spf.test" % i for i in range(1, 12))
             + " -all"),
            # The limit itself: the 10th term matches 192.0.2.98 -> pass.
            ("ten", "TXT", "v=spf1 " + " ".join("a:h%d.spf.test" % i for i in range(1, 10))
             + " a:hit.spf.test -all"),
            ("hit", "A", "192.0.2.98"),
        ] + [("h%d" % i, "A", "192.0.2.200") for i in range(1, 12)],
    }
    for z, recs in zones.items():
        with open(os.path.join(out, "zones", z + ".zone"), "w") as f:
            f.write(zone_text(z, recs))

    now = int(time.time())
    rows = []

    def case(name, ip, helo, mailfrom, msg, spf, spf_helo, dkim, dmarc, policy, arc):
        with open(os.path.join(out, "msgs", name + ".eml"), "wb") as f:
            f.write(msg)
        rows.append([name, ip, helo, mailfrom or "<>", spf, spf_helo, dkim, dmarc, policy, arc])

    def good(subject, msgid):
        return message(b"Alice <alice@good.test>", b"bob@example.test", subject, BODY, msgid)

    # --- DKIM, sent from good.test's own address (SPF passes and aligns) ---
    G = ("192.0.2.10", "mail.good.test", "alice@good.test")
    m = dkim_sign(good(b"rsa", b"1@good.test"), keys["good-rsa"], "good.test", "rsa")
    case("dkim-rsa-pass", *G, m, "pass", "pass", "pass:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"ed25519", b"2@good.test"), keys["good-ed"], "good.test", "ed")
    case("dkim-ed25519-pass", *G, m, "pass", "pass", "pass:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"body", b"3@good.test"), keys["good-rsa"], "good.test", "rsa")
    m = m.replace(b"for sender authentication", b"for sender  AUTHENTICATION")
    case("dkim-body-altered", *G, m, "pass", "pass", "fail:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"header", b"4@good.test"), keys["good-rsa"], "good.test", "rsa")
    m = replace_header(m, b"Subject", b"header (altered)")
    case("dkim-header-altered", *G, m, "pass", "pass", "fail:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"nokey", b"5@good.test"), keys["good-rsa"], "good.test", "missing")
    case("dkim-no-key", *G, m, "pass", "pass", "permerror:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"revoked", b"6@good.test"), keys["good-rsa"], "good.test", "revoked")
    case("dkim-revoked", *G, m, "pass", "pass", "permerror:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"expired", b"7@good.test"), keys["good-rsa"], "good.test", "rsa",
                  t=now - 2 * 86400, x=now - 86400)
    case("dkim-expired", *G, m, "pass", "pass", "permerror:good.test", "pass", "none", "none")
    m = dkim_sign(good(b"weak", b"8@good.test"), keys["good-weak"], "good.test", "weak")
    case("dkim-weak-key", *G, m, "pass", "pass", "permerror:good.test", "pass", "none", "none")
    # l= covers the body as signed; a list footer appended later is not covered.
    m = dkim_sign(good(b"length", b"9@good.test"), keys["good-rsa"], "good.test", "rsa",
                  length=True)
    m += b"--\nAppended by a list: unsubscribe at https://list.example.test/\n"
    case("dkim-length-appended", *G, m, "pass", "pass", "pass:good.test", "pass", "none", "none")
    # Two signatures, the top one failing (made with the wrong key), the one
    # below passing; sent from elsewhere so DMARC must come from the passing
    # DKIM signature (a verifier looking at the first signature only fails).
    m = dkim_sign(good(b"two", b"10@good.test"), keys["good-ed"], "good.test", "ed")
    m = dkim_sign(m, keys["good-rsa"], "good.test", "rsa", sign_key=keys["attacker"])
    case("dkim-two-sigs", "203.0.113.9", "relay.example.test", "alice@good.test", m,
         "fail", "none", "fail:good.test,pass:good.test", "pass", "none", "none")

    # --- DMARC ---
    m = message(b"Bank Security <security@bank.test>", b"bob@example.test",
                b"Verify your account", BODY, b"11@bank.test")
    m = dkim_sign(m, keys["bank"], "bank.test", "rsa", sign_key=keys["attacker"])
    case("dmarc-reject-forged", "198.51.100.66", "mail.evil.test", "security@bank.test", m,
         "fail", "none", "fail:bank.test", "fail", "reject", "none")
    m = message(b"News <news@news.test>", b"bob@example.test", b"Newsletter", BODY,
                b"12@news.test")
    m = dkim_sign(m, keys["news"], "news.test", "rsa")
    case("dmarc-pass-dkim-only", "203.0.113.5", "out.esp.test", "bounce-42@esp.test", m,
         "pass", "none", "pass:news.test", "pass", "quarantine", "none")
    m = message(b"Info <info@relaxed.test>", b"bob@example.test", b"Unsigned", BODY,
                b"13@relaxed.test")
    case("dmarc-pass-spf-relaxed", "192.0.2.30", "mail.relaxed.test",
         "bounce@mail.relaxed.test", m, "pass", "pass", "none", "pass", "reject", "none")
    m = message(b"Info <info@strict.test>", b"bob@example.test", b"Strict", BODY,
                b"14@strict.test")
    m = dkim_sign(m, keys["strict"], "mail.strict.test", "rsa")
    case("dmarc-strict-subdomain-fail", "192.0.2.50", "mail.strict.test",
         "bounce@mail.strict.test", m, "pass", "pass", "pass:mail.strict.test", "fail",
         "reject", "none")
    m = message(b"Info <info@strict.test>", b"bob@example.test", b"Strict", BODY,
                b"15@strict.test")
    m = dkim_sign(m, keys["strict"], "strict.test", "rsa")
    case("dmarc-strict-pass", "192.0.2.50", "mail.strict.test", "bounce@mail.strict.test", m,
         "pass", "pass", "pass:strict.test", "pass", "reject", "none")
    m = message(b"Alerts <alerts@info.news.test>", b"bob@example.test", b"Alert", BODY,
                b"16@info.news.test")
    case("dmarc-subdomain-sp", "198.51.100.66", "mail.evil.test", "alerts@info.news.test", m,
         "none", "none", "none", "fail", "reject", "none")
    m = message(b"Info <info@pct.test>", b"bob@example.test", b"Sampled", BODY,
                b"17@pct.test")
    case("dmarc-pct0", "198.51.100.66", "mail.evil.test", "info@pct.test", m,
         "fail", "none", "none", "fail", "reject", "none")

    # --- SPF (unsigned; the From domain has no DMARC record) ---
    def spfmsg(dom, n):
        return message(b"<user@" + dom.encode() + b">", b"bob@example.test", b"spf", BODY,
                       b"%d@spf.test" % n)
    for n, (name, ip, helo, mf, spf, spfh) in enumerate([
            ("spf-ip6-pass", "2001:db8:10::25", "mail6.good.test", "user@good.test", "pass",
             "pass"),
            ("spf-include-pass", "192.0.2.44", "relay.example.test", "user@include.spf.test",
             "pass", "none"),
            ("spf-include-fail", "198.51.100.1", "relay.example.test", "user@include.spf.test",
             "fail", "none"),
            ("spf-redirect-pass", "192.0.2.44", "relay.example.test", "user@redirect.spf.test",
             "pass", "none"),
            ("spf-redirect-fail", "198.51.100.1", "relay.example.test",
             "user@redirect.spf.test", "fail", "none"),
            ("spf-macro-exists-pass", "192.0.2.77", "relay.example.test", "user@macro.spf.test",
             "pass", "none"),
            ("spf-macro-exists-fail", "192.0.2.78", "relay.example.test",
             "user@macro.spf.test", "fail", "none"),
            ("spf-softfail", "192.0.2.2", "relay.example.test", "user@softfail.spf.test",
             "softfail", "none"),
            ("spf-ten-lookups-pass", "192.0.2.98", "relay.example.test",
             "user@ten.spf.test", "pass", "none"),
            ("spf-too-many-lookups", "192.0.2.99", "relay.example.test",
             "user@toomany.spf.test", "permerror", "none"),
            ("spf-no-record", "192.0.2.99", "relay.example.test", "user@evil.test", "none",
             "none"),
            ("spf-null-sender-helo", "192.0.2.10", "mail.good.test", "", "pass", "pass"),
            ("spf-helo-fail", "198.51.100.7", "mail.good.test", "user@ip4.spf.test", "fail",
             "fail")]):
        dom = (mf or "x@" + helo).split("@")[1]
        msg = spfmsg(dom, 100 + n)
        dmarc, policy = "none", "none"
        if dom.endswith("good.test"):  # good.test has p=none
            dmarc = "pass" if spf == "pass" else "fail"
        case(name, ip, helo, mf, msg, spf, spfh, "none", dmarc, policy if dom.endswith(
            "good.test") else "-", "none")

    # --- ARC: news.test signs, forwarder.test tags the subject and seals ---
    import dkim  # dkimpy, only for arc_sign
    m = message(b"News <news@news.test>", b"list@forwarder.test", b"Weekly", BODY,
                b"20@news.test")
    m = dkim_sign(m, keys["news"], "news.test", "rsa")
    m = replace_header(m, b"Subject", b"[fwd] Weekly")
    ar = (b"Authentication-Results: forwarder.test; dkim=pass header.d=news.test;"
          b" spf=pass smtp.mailfrom=news@news.test; dmarc=pass header.from=news.test\n")
    # Sealed in CRLF form: dkimpy 1.1.4's arc_sign with linesep=LF ends the
    # ARC-Authentication-Results with CRLF anyway and makes a seal that does
    # not verify. The sealed message is then stored with LF like the others.
    m = (ar + m).replace(b"\n", b"\r\n")
    sealed = b"".join(dkim.arc_sign(m, b"arc", b"forwarder.test", keys["forwarder"].pem(),
                                    b"forwarder.test")) + m
    sealed = sealed.replace(b"\r\n", b"\n")
    case("arc-forwarded-pass", "198.51.100.25", "mx.forwarder.test", "list@forwarder.test",
         sealed, "pass", "none", "fail:news.test", "fail", "quarantine", "pass")
    # The same, with one character of the ARC-Seal's b= changed.
    i = sealed.index(b"ARC-Seal:")
    j = sealed.index(b" b=", i) + 3
    c = sealed[j + 10:j + 11]
    broken = sealed[:j + 10] + (b"A" if c != b"A" else b"B") + sealed[j + 11:]
    case("arc-broken-seal", "198.51.100.25", "mx.forwarder.test", "list@forwarder.test",
         broken, "pass", "none", "fail:news.test", "fail", "quarantine", "fail")

    with open(os.path.join(out, "cases.tsv"), "w") as f:
        f.write("#" + "\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__.strip())
        sys.exit(0 if sys.argv[1:] in (["-h"], ["--help"]) else 2)
    main(sys.argv[1])
