#!/usr/bin/python3
"""The reference results for the fixtures of fixtures.py, from independent
implementations: pyspf (SPF), dkimpy (DKIM, ARC), authheaders (DMARC), all
asking the test DNS server.

    tests/auth/reference.py [--tsv] OUTDIR DNSSERVER

DNSSERVER is IP:PORT (AUTH_DNS_SERVER of dns.sh). Without --tsv a readable
table with the reasons; with --tsv one line per case in the shape of
cases.tsv without its envelope columns:
    case spf spf_helo dkim dmarc dmarc_policy arc
--reasons prints, per case, what the checkers said (SPF explanation, DKIM
and ARC failure reasons), tab-separated; --case NAME looks at one case.
Exit status 0 when every case could be evaluated.

Where the libraries give less than an Authentication-Results result, this
script maps their answer (README, "Result mapping"):
  dkim  dkimpy says only True/False (or raises): True is pass; a signature
        that does not verify (b= or bh=) is fail; a key that cannot be had
        or used (none in DNS, revoked, too small, bad record) and a
        signature refused before any crypto (expired, bad tags) are
        permerror; a DNS failure is temperror.
  dmarc authheaders' dmarc_per_from is asked once per passing DKIM
        signature (its own check_dkim looks at the first signature only);
        pass when any answer is pass. The SPF identity is MAIL FROM, or
        postmaster@HELO for the null sender (RFC 7489 3.1.1).
"""
import email
import email.utils
import logging
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)

import dns.exception  # noqa: E402
import dns.rdatatype  # noqa: E402
import dns.resolver  # noqa: E402


def make_resolver(server):
    host, _, port = server.rpartition(":")
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = [host]
    r.port = int(port)
    # One try of one second: knotd on loopback answers in milliseconds, and
    # the DNS-down check (fixtures.sh) should not wait long for each lookup.
    r.timeout = 1
    r.lifetime = 1
    r.retry_servfail = False
    return r


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.errors = []

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def main(argv):
    mode, only, args = "table", None, []
    it = iter(argv)
    for a in it:
        if a in ("--tsv", "--reasons"):
            mode = a[2:]
        elif a == "--case":
            only = next(it, None)
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a.startswith("-"):
            sys.exit("reference.py: unknown option %s" % a)
        else:
            args.append(a)
    if len(args) != 2:
        sys.exit("usage: reference.py [--tsv|--reasons] [--case NAME] OUTDIR DNSSERVER")
    out, server = args
    resolver = make_resolver(server)
    # pyspf and authheaders ask dnspython's default resolver.
    dns.resolver.default_resolver = resolver

    import dkim
    import spf
    import authheaders
    import authheaders.dmarc_lookup
    from authheaders import dmarc_per_from
    from authres import DKIMAuthenticationResult, SPFAuthenticationResult

    # authheaders' organizational domain comes from publicsuffix2, which
    # gives the bare TLD for a name under a TLD the list does not have
    # ("news.test" -> "test"), so every .test domain would align with every
    # other. The PSL algorithm's default rule "*" (RFC 7489 3.2 step 3 uses
    # the PSL) makes an unlisted TLD a public suffix: news.test.
    with open(authheaders.dmarc_lookup.get_suffix_list_file_name()) as f:
        psl = authheaders.dmarc_lookup.PublicSuffixList(f)

    def org_domain(domain):
        labels = domain.lower().rstrip(".").split(".")
        # strict: None when the TLD is not listed, instead of the bare TLD
        return psl.get_public_suffix(domain, strict=True) or ".".join(labels[-2:])
    authheaders.dmarc_lookup.get_org_domain = org_domain
    authheaders.get_org_domain = org_domain

    def txt(name, timeout=5):
        """dkimpy's dnsfunc: the first TXT record, or None when there is none."""
        name = name.decode() if isinstance(name, bytes) else name
        try:
            a = resolver.resolve(name, dns.rdatatype.TXT, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return None
        except dns.exception.DNSException as e:
            raise dkim.DnsTimeoutError(str(e) or type(e).__name__)
        for rrset in a.response.answer:
            if rrset.rdtype == dns.rdatatype.TXT:
                return b"".join(list(rrset)[0].strings)
        return None

    def check_dkim(msg):
        """[(result, d, reason)] for each DKIM-Signature, top first."""
        n = len([h for h, _ in dkim.DKIM(msg).headers if h.lower() == b"dkim-signature"])
        res = []
        for idx in range(n):
            log = logging.getLogger("dkim%d" % idx)
            log.propagate = False
            log.handlers = [Collect()]
            d = dkim.DKIM(msg, logger=log, minkey=1024)
            reason = ""
            try:
                ok = d.verify(idx=idx, dnsfunc=txt)
                errors = log.handlers[0].errors
                if ok:
                    result = "pass"
                elif any("DnsTimeoutError" in e for e in errors):
                    result, reason = "temperror", errors[-1]
                elif errors:
                    result, reason = "permerror", errors[-1]
                else:
                    result, reason = "fail", "signature did not verify"
            except dkim.ValidationError as e:
                reason = str(e)
                result = "fail" if "body hash mismatch" in reason else "permerror"
            except dkim.DKIMException as e:
                result, reason = "permerror", "%s: %s" % (type(e).__name__, e)
            fields = d.signature_fields or {}
            res.append((result, fields.get(b"d", b"?").decode(), reason))
        return res

    def check_spf(ip, mailfrom, helo):
        r, _, expl = spf.query(i=ip, s=mailfrom, h=helo, timeout=1).check()
        return r, expl

    def check_dmarc(msg, spf_result, spf_identity, sigs):
        m = email.message_from_bytes(msg)
        addrs = email.utils.getaddresses(m.get_all("From", []))
        if len(addrs) != 1 or "@" not in addrs[0][1]:
            return "permerror", "-", "not exactly one From address"
        from_domain = addrs[0][1].rpartition("@")[2].lower()
        spf_res = SPFAuthenticationResult(result=spf_result, smtp_mailfrom=spf_identity)
        try:
            answers = [dmarc_per_from(from_domain, spf_res, None)]
            for result, d, _ in sigs:
                if result == "pass":
                    spf_res = SPFAuthenticationResult(result=spf_result,
                                                      smtp_mailfrom=spf_identity)
                    answers.append(dmarc_per_from(
                        from_domain, spf_res,
                        DKIMAuthenticationResult(result="pass", header_d=d)))
        except dns.exception.DNSException as e:  # authheaders lets timeouts through
            return "temperror", "-", "%s: %s" % (type(e).__name__, e)
        result = "pass" if any(a[0] == "pass" for a in answers) else answers[0][0]
        policy, why = answers[0][3] or "-", answers[0][1]
        # authheaders applies sp= (when present) even when the record is the
        # From domain's own; RFC 7489 6.6.3 uses sp= only for a subdomain
        # whose policy came from the organizational domain's record.
        if why == "Used From Domain Record":
            rec = dmarc_per_from(from_domain, policy_only=True)[4]
            policy = rec["p"].rstrip("\\")
        return result, policy, why

    def check_arc(msg):
        log = logging.getLogger("arc")
        log.propagate = False
        log.handlers = [Collect()]
        cv, _, comment = dkim.ARC(msg, logger=log, minkey=1024).verify(dnsfunc=txt)
        return cv.decode(), comment

    failed = False
    rows = []
    with open("%s/cases.tsv" % out) as f:
        for line in f:
            if line.startswith("#"):
                continue
            case, ip, helo, mailfrom = line.rstrip("\n").split("\t")[:4]
            if only is not None and case != only:
                continue
            mailfrom = "" if mailfrom == "<>" else mailfrom
            with open("%s/msgs/%s.eml" % (out, case), "rb") as f2:
                msg = f2.read()
            try:
                spf_mf, spf_expl = check_spf(ip, mailfrom, helo)
                spf_helo, _ = check_spf(ip, "postmaster@" + helo, helo)
                sigs = check_dkim(msg)
                dmarc, policy, dmarc_why = check_dmarc(
                    msg, spf_mf, mailfrom or "postmaster@" + helo, sigs)
                arc, arc_why = check_arc(msg)
            except Exception as e:  # a reference that cannot answer is a failure
                failed = True
                print("%s: %s: %s" % (case, type(e).__name__, e), file=sys.stderr)
                continue
            dkim_col = ",".join("%s:%s" % (r, d) for r, d, _ in sigs) or "none"
            rows.append((case, spf_mf, spf_helo, dkim_col, dmarc, policy, arc,
                         spf_expl, [s[2] for s in sigs], dmarc_why, arc_why))
    if mode == "tsv":
        for r in rows:
            print("\t".join(r[:7]))
    elif mode == "reasons":  # case, then what each checker said besides pass
        for r in rows:
            why = ([r[7]] if r[1] != "pass" else []) + [w for w in r[8] if w] + [r[10]]
            print("\t".join([r[0]] + [w.replace("\t", " ").replace("\n", " ") for w in why]))
    else:
        fmt = "%-28s %-9s %-9s %-34s %-5s %-10s %-5s"
        print(fmt % ("case", "spf", "spf-helo", "dkim (result:d=)", "dmarc", "policy", "arc"))
        for r in rows:
            print(fmt % r[:7])
            why = ([r[7]] if r[1] not in ("pass", "none") else []) + [w for w in r[8] if w] \
                + ([r[10]] if r[6] not in ("none", "pass") else [])
            for w in why:
                print("%-28s   # %s" % ("", w[:100]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
