#!/usr/bin/env python3
"""compare.py PYTHON.jsonl ENGINE.jsonl

Holds the engine's verdicts (portcullis --scan, one JSON line per message)
against what Python's email package decodes (pydecode.py), joined by
"file".  Prints TAP: a plan, then one test per message of PYTHON.jsonl:

  (a) the engine stopped the message: its status is "infected";
  (b) every copy of clam.exe Python decodes was seen by the engine:
      - a leaf Python decodes to clam.exe: clam.exe's SHA-256 is among the
        engine's objects ("found by per-part scan"), or the engine found it
        in the message as a whole, a finding on object "message" ("found by
        whole-message scan only");
      - a file embedded in a text or TNEF part (uuencode, BinHex, yEnc,
        TNEF): as above, or an infected finding on that part or inside it
        ("found inside part P").
      A message in which Python decodes no clam.exe passes (b) as it is.

The TAP description says how each copy was found.  After each test, TAP
comments ("# ...") list where the two parsers disagree on the leaves (part
paths, sizes, digests), for a human to study.

Exit status 0 iff every test is ok.  Standard library only."""
import json
import sys

CLAM_SHA256 = "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495"


def load(path, notes):
    """{file: record} of a JSON-lines file; unreadable lines are skipped
    (the message then counts as not scanned) and told in NOTES."""
    records = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                records[record["file"]] = record
            except (ValueError, KeyError) as exc:
                notes.append("%s:%d: unreadable line (%s)" % (path, number, exc))
    return records


def engine_record(engine, name):
    """The engine's line for NAME, by exact path, else by the file's base
    name (the two tools may have been given different directory spellings)."""
    if name in engine:
        return engine[name]
    base = name.rsplit("/", 1)[-1]
    matches = [r for f, r in engine.items() if f.rsplit("/", 1)[-1] == base]
    return matches[0] if len(matches) == 1 else None


def is_container(obj):
    """Multiparts and message/rfc822 wrappers; older engine output without a
    "container" field is judged by its type and missing digest."""
    if "container" in obj:
        return bool(obj["container"])
    kind = (obj.get("type") or "").lower()
    return kind.startswith("multipart/") or obj.get("sha256") is None


def infected_objects(record):
    """The objects ("message" or part paths) of the infected findings."""
    return sorted({f.get("object") for f in record.get("findings", [])
                   if f.get("status") == "infected"}, key=path_key)


def path_key(path):
    """Sort part paths numerically (2.10 after 2.9); "message" last."""
    try:
        return (0, [int(x) for x in str(path).split(".")])
    except ValueError:
        return (1, [str(path)])


def within(path, part):
    """PATH is PART or inside it (2.1.3 is within 2.1, 2.10 is not)."""
    return path == part or str(path).startswith(part + ".")


# ---------------------------------------------------------------------------

def judge_leaves(py, record):
    """(ok, words) for the leaves Python decodes to clam.exe."""
    paths = sorted({l["path"] for l in py["leaves"] if l["sha256"] == CLAM_SHA256}, key=path_key)
    if not paths:
        return True, None
    where = "part " + ", ".join(paths)
    engine_paths = sorted({o.get("path") for o in record.get("objects", [])
                           if o.get("sha256") == CLAM_SHA256}, key=path_key)
    if engine_paths:
        same = "" if engine_paths == paths else " (engine: part %s)" % ", ".join(engine_paths)
        return True, "%s found by per-part scan%s" % (where, same)
    if "message" in infected_objects(record):
        return True, "%s found by whole-message scan only" % where
    return False, "%s NOT among the engine's objects, no whole-message finding" % where


def judge_embedded(py, record):
    """[(ok, words)] for each file embedded in a part Python decoded."""
    results = []
    engine_digests = {o.get("sha256") for o in record.get("objects", [])}
    infected = infected_objects(record)
    for item in py["embedded"]:
        if item["sha256"] != CLAM_SHA256:
            continue
        where = "%s in part %s" % (item["kind"], item["path"])
        inside = [obj for obj in infected if within(obj, item["path"])]
        if CLAM_SHA256 in engine_digests:
            results.append((True, where + " found by per-part scan"))
        elif inside:
            results.append((True, "%s found inside part %s" % (where, ", ".join(inside))))
        elif "message" in infected:
            results.append((True, where + " found by whole-message scan only"))
        else:
            results.append((False, where + " NOT found by the engine"))
    return results


def judge(py, record):
    """(ok, description) of one message."""
    if record is None:
        return False, "no engine result"
    status = record.get("status")
    stopped = status == "infected"
    words = [] if stopped else ["NOT stopped (status %s)" % status]
    results = [judge_leaves(py, record)] + judge_embedded(py, record)
    results = [r for r in results if r[1] is not None]
    if not results:
        found = infected_objects(record)
        words.append("Python decodes no clam.exe" + (
            "; engine found it in %s" % ", ".join(found) if found else ""))
    words += [w for _, w in results]
    return stopped and all(ok for ok, _ in results), "; ".join(words)


# ---------------------------------------------------------------------------

def leaf_table(leaves):
    """{path: {(size, sha256)}}."""
    table = {}
    for leaf in leaves:
        table.setdefault(leaf.get("path"), set()).add((leaf.get("size"), leaf.get("sha256")))
    return table


def show(versions):
    return " | ".join("%s bytes %s" % (size, (digest or "-")[:12])
                      for size, digest in sorted(versions, key=str))


def name_differences(py, record):
    """A leaf's file name as Python gives it (get_filename(), the default
    policy's when it has one) that the engine's object at the same path
    does not carry (the attachment filter matches on those names)."""
    engine_names = {}
    for obj in record.get("objects", []):
        engine_names.setdefault(obj.get("path"), set()).update(obj.get("names") or [])
    lines = []
    for leaf in sorted(py["leaves"], key=lambda l: path_key(l["path"])):
        name = leaf.get("filename")
        if name is not None and leaf["path"] in engine_names and \
                name not in engine_names[leaf["path"]]:
            lines.append("part %s: name: python %s; engine %s" % (
                leaf["path"], json.dumps(name, ensure_ascii=False),
                json.dumps(sorted(engine_names[leaf["path"]]), ensure_ascii=False)))
    return lines


def differences(py, record):
    """Lines describing where Python's leaves and the engine's differ."""
    if record is None:
        return []
    mine = leaf_table(py["leaves"])
    theirs = leaf_table(o for o in record.get("objects", []) if not is_container(o))
    lines = []
    for path in sorted(set(mine) | set(theirs), key=path_key):
        a, b = mine.get(path, set()), theirs.get(path, set())
        if a == b:
            continue
        if not b:
            lines.append("part %s: python only: %s" % (path, show(a)))
        elif not a:
            lines.append("part %s: engine only: %s" % (path, show(b)))
        else:
            lines.append("part %s: python %s; engine %s" % (path, show(a), show(b)))
    lines += name_differences(py, record)
    kinds = sorted({e["kind"] for e in py["embedded"]})
    inner = sorted({i.get("type") or "?" for o in record.get("objects", []) for i in o.get("inner", [])})
    if kinds or inner:
        lines.append("embedded: python %s; engine inner %s" % (
            ", ".join(kinds) or "-", ", ".join(inner) or "-"))
    return lines


def main(argv):
    if len(argv) != 3:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    notes = []
    python, engine = load(argv[1], notes), load(argv[2], notes)
    files = sorted(python)
    print("1..%d" % len(files))      # the plan first; comments after it
    for note in notes:
        print("# " + note)
    failures = 0
    for number, name in enumerate(files, 1):
        short = name.rsplit("/", 1)[-1]
        record = engine_record(engine, name)
        ok, description = judge(python[name], record)
        failures += not ok
        print("%s %d - %s: %s" % ("ok" if ok else "not ok", number, short, description))
        for line in differences(python[name], record):
            print("# %s: %s" % (short, line))
    extra = sorted(set(engine) - {r["file"] for r in
                                  (engine_record(engine, n) for n in files) if r})
    for name in extra:
        print("# engine result without a Python result: %s" % name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
