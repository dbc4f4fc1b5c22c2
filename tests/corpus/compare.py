#!/usr/bin/env python3
"""compare.py PYTHON.jsonl ENGINE.jsonl: TAP, two tests per message.
  1. the engine stopped it (status infected);
  2. every copy of clam.exe that Python's email package decodes (a leaf or a
     file embedded in a text part) is one the engine scanned as a part, or
     the engine found it in the message as a whole (its second opinion or
     its re-scan under another boundary).
Where the two parsers disagree on the leaves (paths, sizes, digests), the
differences are printed as TAP comments for a human to study."""
import json
import sys

CLAM = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"


def load(path):
    return {d["file"]: d for d in map(json.loads, open(path))}


def differences(py, engine):
    py_leaves = {(l["path"], l["sha256"]) for l in py["leaves"]}
    en_leaves = {(o["path"], o["sha256"]) for o in engine["objects"] if not o["container"]}
    out = []
    for path, digest in sorted(py_leaves - en_leaves):
        out.append("python only: part %s %s" % (path, digest[:12]))
    for path, digest in sorted(en_leaves - py_leaves):
        out.append("engine only: part %s %s" % (path, (digest or "")[:12]))
    return out


def main():
    python, engine = load(sys.argv[1]), load(sys.argv[2])
    files = sorted(python)
    print("1..%d" % (2 * len(files)))
    n = 0
    for name in files:
        short = name.rsplit("/", 1)[-1]
        en = engine.get(name)
        n += 1
        stopped = en is not None and en["status"] == "infected"
        print("%s %d - %s: stopped by the engine (%s)" % (
            "ok" if stopped else "not ok", n, short, en["status"] if en else "not scanned"))
        n += 1
        if en is None:
            print("not ok %d - %s: no engine result" % (n, short))
            continue
        py = python[name]
        scanned = {o["sha256"] for o in en["objects"]}
        whole = any(f["object"] == "message" and f["status"] == "infected" for f in en["findings"])
        inner = any(f["status"] == "infected" for f in en["findings"])
        wanted = [l for l in py["leaves"] if l["sha256"] == CLAM]
        embedded = [e for e in py["embedded"] if e["sha256"] == CLAM]
        missing = [l["path"] for l in wanted if l["sha256"] not in scanned]
        if not wanted and not embedded:
            ok, how = inner, "Python decodes no clam.exe; the engine found it anyway"
        elif missing or (embedded and not wanted):
            ok, how = whole or inner, ("Python's parts %s are not engine parts; " % missing
                                       if missing else "embedded in text; ") + (
                "found in the message as a whole" if whole else
                "found inside a part" if inner else "NOT FOUND")
        else:
            ok, how = True, "every part Python decodes was scanned as a part"
        print("%s %d - %s: %s" % ("ok" if ok else "not ok", n, short, how))
        for line in differences(py, en):
            print("# %s: %s" % (short, line))
    return 0


sys.exit(main())
