#!/usr/bin/python3
"""Portcullis's results for every fixture case, in reference.py --tsv's shape.

    tests/auth/ours.py PORTCULLIS OUTDIR DNSSERVER [-o KEY=VALUE]...

runs `PORTCULLIS --scan --client IP --helo NAME --sender FROM` on each
OUTDIR/msgs/<case>.eml with the envelope of cases.tsv and DNS from
DNSSERVER, and prints per case: case spf spf_helo dkim dmarc dmarc_policy arc
(dkim: result:d= per signature, top first, or "none"; dmarc_policy "-" when
no record applies).
"""
import json
import os
import subprocess
import sys


def ours(portcullis, eml, ip, helo, sender, dns, extra):
    cmd = [portcullis, "-c", "/dev/null", "--scan", "--client", ip, "--helo", helo,
           "--sender", "" if sender == "<>" else sender,
           "-o", "spam.dns_servers=" + dns, "-o", "scan.av=no",
           "-o", "spam.rules_dir=", "-o", "spam.sa_rules_dir=", "-o", "spam.bayes_dir="]
    for o in extra:
        cmd += ["-o", o]
    out = subprocess.run(cmd + [eml], capture_output=True, text=True).stdout
    auth = json.loads(out.strip().splitlines()[-1]).get("auth", {})
    dkim = ",".join("%s:%s" % (s["result"], s["domain"]) for s in auth.get("dkim", []))
    return [auth.get("spf"), auth.get("spf_helo"), dkim or "none", auth.get("dmarc"),
            auth.get("dmarc_policy") or "-", auth.get("arc")]


def main(argv):
    if len(argv) < 4 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 else 2
    portcullis, out, dns = argv[1:4]
    extra = [a for a in argv[4:] if a != "-o"]
    with open(os.path.join(out, "cases.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            case, ip, helo, sender = line.rstrip("\n").split("\t")[:4]
            eml = os.path.join(out, "msgs", case + ".eml")
            print("\t".join([case] + ours(portcullis, eml, ip, helo, sender, dns, extra)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
