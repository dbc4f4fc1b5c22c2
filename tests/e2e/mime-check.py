#!/usr/bin/env python3
"""Checks on a delivered message, re-parsed with Python's email package.

    mime-check.py FILE CHECK...

Checks run in the order given; each prints "ok - ..." or "FAIL - ...".
Exit status 0 when all pass, 1 when one fails, 2 on a usage error.  On a
failure the part tree of the message is printed too.

  --valid                   parses with no MIME defect anywhere (boundaries,
                            base64, header syntax of Content-* headers)
  --header 'NAME: VALUE'    exactly one NAME header, its value is VALUE
  --header-prefix 'NAME: V' exactly one NAME header, its value starts with V
  --attachment NAME         a part carries the file name NAME
  --no-attachment NAME      no part carries the file name NAME
  --notice-for NAME         a placeholder notice (text/plain, inline) names
                            NAME on its "File:" line; selects it for:
  --notice-contains TEXT    the selected notice's text contains TEXT
  --part-identical FILE     FILE's bytes, CRLF turned into LF (Maildir), occur
                            unchanged in the delivered file
  --attachment-equals NAME=FILE
                            the part carrying NAME decodes to FILE's bytes
  --leaf-parts N            the message has N leaf (non-multipart) parts
  --no-type TYPE            no leaf part is of content type TYPE
  --show                    print the part tree
"""

import email
import email.policy
import email.utils
import re
import sys

FLAGS_WITH_ARG = {
    "--header", "--header-prefix", "--attachment", "--no-attachment", "--notice-for",
    "--notice-contains", "--part-identical", "--leaf-parts", "--attachment-equals", "--no-type",
}
FLAGS = {"--valid", "--show"}


class Checker:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = f.read()
        self.msg = email.message_from_bytes(self.raw, policy=email.policy.default)
        self.parts = list(self.msg.walk())
        self.notice = None
        self.failed = False

    def report(self, ok, what, detail=""):
        if ok:
            print("ok - " + what)
        else:
            self.failed = True
            print("FAIL - " + what + (": " + detail if detail else ""))

    @staticmethod
    def filenames(part):
        names = set()
        for get in (lambda: part.get_filename(), lambda: part.get_param("name")):
            try:
                v = get()
            except Exception:  # a broken parameter is no name
                v = None
            if isinstance(v, tuple):  # RFC 2231 (charset, language, value)
                v = email.utils.collapse_rfc2231_value(v)
            if v:
                names.add(str(v))
        return names

    @staticmethod
    def text_of(part):
        data = part.get_payload(decode=True) or b""
        return data.decode(part.get_content_charset() or "utf-8", "replace")

    def tree(self):
        lines = []

        def visit(part, depth):
            names = ",".join(sorted(self.filenames(part)))
            defects = [type(d).__name__ for d in part.defects]
            lines.append("%s%s%s%s%s" % (
                "  " * depth, part.get_content_type(),
                " disposition=" + part.get_content_disposition() if part.get_content_disposition() else "",
                " names=" + names if names else "",
                " defects=" + ",".join(defects) if defects else ""))
            if part.is_multipart():
                for sub in part.get_payload():
                    visit(sub, depth + 1)
            elif part.get_content_type() == "text/plain" and part.get_content_disposition() == "inline":
                for line in self.text_of(part).splitlines()[:12]:
                    lines.append("  " * (depth + 1) + "| " + line)

        visit(self.msg, 0)
        return lines

    # -- checks

    def valid(self):
        problems = []
        for part in self.parts:
            where = part.get_content_type()
            if not part.is_multipart():
                part.get_payload(decode=True)  # records transfer-encoding defects
            elif not part.get_boundary():
                problems.append("%s without a boundary" % where)
            for name in ("Content-Type", "Content-Disposition", "Content-Transfer-Encoding"):
                for value in part.get_all(name) or []:
                    for d in getattr(value, "defects", ()):
                        problems.append("%s: %s header: %s" % (where, name, d))
                if len(part.get_all(name) or []) > 1:
                    problems.append("%s: %d %s headers" % (where, len(part.get_all(name)), name))
            for d in part.defects:
                problems.append("%s: %s %s" % (where, type(d).__name__, d))
        counted = {}
        for p in problems:  # the same defect thousands of times: say it once
            counted[p] = counted.get(p, 0) + 1
        detail = "; ".join(p + (" (x%d)" % n if n > 1 else "") for p, n in counted.items())
        self.report(not problems, "parses as valid MIME", detail)

    def header(self, spec, prefix):
        name, _, value = spec.partition(":")
        value = value.strip()
        got = [str(v) for v in self.msg.get_all(name.strip()) or []]
        what = "%s: %s%s" % (name, value, "..." if prefix else "")
        if len(got) != 1:
            self.report(False, what, "%d %s headers %r" % (len(got), name, got))
            return
        v = " ".join(got[0].split())
        self.report(v.startswith(value) if prefix else v == value, what, "got %r" % v)

    def attachment(self, name, present):
        holders = [p.get_content_type() for p in self.parts if name in self.filenames(p)]
        if present:
            self.report(bool(holders), "a part carries the name %s" % name, "none does")
        else:
            self.report(not holders, "no part carries the name %s" % name,
                        "found in %s" % ", ".join(holders))

    def attachment_equals(self, spec):
        name, _, path = spec.partition("=")
        with open(path, "rb") as f:
            want = f.read()
        holders = [p for p in self.parts if not p.is_multipart() and name in self.filenames(p)]
        if len(holders) != 1:
            self.report(False, "%s decodes to %s" % (name, path),
                        "%d parts carry the name" % len(holders))
            return
        have = holders[0].get_payload(decode=True) or b""
        self.report(have == want, "%s decodes to %s" % (name, path),
                    "%d bytes, expected %d" % (len(have), len(want)))

    def notice_for(self, name):
        rx = re.compile(r"^\s*File:\s+" + re.escape(name) + r"\s*$", re.M)
        self.notice = None
        for p in self.parts:
            if p.is_multipart() or p.get_content_type() != "text/plain":
                continue
            if p.get_content_disposition() != "inline":
                continue
            if rx.search(self.text_of(p)):
                self.notice = p
                break
        self.report(self.notice is not None, "an inline text/plain notice names %s" % name,
                    "no notice has a line 'File: %s'" % name)

    def notice_contains(self, text):
        if self.notice is None:
            self.report(False, "notice contains %r" % text, "no notice selected")
            return
        body = self.text_of(self.notice)
        self.report(text in body, "notice contains %r" % text, "notice text: %r" % body[:600])

    def part_identical(self, path):
        with open(path, "rb") as f:
            want = f.read().replace(b"\r\n", b"\n")
        have = self.raw.replace(b"\r\n", b"\n")
        self.report(want in have, "%s appears byte-identical" % path,
                    "not found (%d bytes)" % len(want))

    def leaf_parts(self, n):
        leaves = [p for p in self.parts if not p.is_multipart()]
        self.report(len(leaves) == int(n), "%s leaf parts" % n, "found %d" % len(leaves))

    def no_type(self, ctype):
        found = [p for p in self.parts if not p.is_multipart() and p.get_content_type() == ctype]
        self.report(not found, "no %s part" % ctype, "found %d" % len(found))


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2
    checks, i = [], 2
    while i < len(argv):
        flag = argv[i]
        if flag in FLAGS:
            checks.append((flag, None))
            i += 1
        elif flag in FLAGS_WITH_ARG and i + 1 < len(argv):
            checks.append((flag, argv[i + 1]))
            i += 2
        else:
            print("mime-check: bad argument %r" % flag, file=sys.stderr)
            return 2
    try:
        c = Checker(argv[1])
    except OSError as e:
        print("FAIL - cannot read %s: %s" % (argv[1], e))
        return 1
    show = False
    for flag, arg in checks:
        if flag == "--valid":
            c.valid()
        elif flag == "--show":
            show = True
        elif flag == "--header":
            c.header(arg, False)
        elif flag == "--header-prefix":
            c.header(arg, True)
        elif flag == "--attachment":
            c.attachment(arg, True)
        elif flag == "--no-attachment":
            c.attachment(arg, False)
        elif flag == "--notice-for":
            c.notice_for(arg)
        elif flag == "--notice-contains":
            c.notice_contains(arg)
        elif flag == "--part-identical":
            c.part_identical(arg)
        elif flag == "--attachment-equals":
            c.attachment_equals(arg)
        elif flag == "--leaf-parts":
            c.leaf_parts(arg)
        elif flag == "--no-type":
            c.no_type(arg)
    if show or c.failed:
        print("part tree of %s:" % argv[1])
        for line in c.tree():
            print("  " + line)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
