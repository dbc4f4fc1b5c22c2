#!/usr/bin/python3
# NAME
#   tests/browser/mock-api.py - a fake of the web console's API (web/api.h)
#   with fixtures, for developing and testing the page (web/ui) alone
# SYNOPSIS
#   mock-api.py [--port N] [--port-file FILE] [--ui DIR] [--log FILE]
# DESCRIPTION
#   Listens on 127.0.0.1 (port 0: the kernel picks one, written to
#   --port-file once listening, and printed).  Serves DIR (default
#   web/ui beside this tree) with the console's Content-Security-Policy
#   and the API of web/api.h from memory: accounts
#     admin / admin-secret        (role admin)
#     postmaster / domain-secret  (role domain, domains example.org)
#   five failed logins lock a name out; link tokens "good", "good2"
#   (valid), "expired" (410), anything else (403, altered).  The fixtures
#   hold hostile values: a sender "<img src=x onerror=alert(1)>"@evil.example,
#   a subject with <script>, names with U+202E (RTL override).  Everything
#   is deterministic (seeded), relative to the time the server started.
#   python3's standard library only.
import argparse
import http.server
import json
import os
import random
import secrets
import sys
import time
import urllib.parse

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")

HOSTILE_SENDER = '"<img src=x onerror=alert(1)>"@evil.example'
HOSTILE_SUBJECT = '<script>window.__pwned=(window.__pwned||[]).concat("subject")</script> Invoice'
RTL_NAME = 'invoice\u202egpj.exe'
RTL_SENDER = 'billing\u202emoc.knab@rtl.example'

USERS = {
    "admin": {"password": "admin-secret", "role": "admin", "domains": []},
    "postmaster": {"password": "domain-secret", "role": "domain", "domains": ["example.org"]},
}
STATUSES = ["clean"] * 14 + ["spam"] * 4 + ["probable"] * 3 + ["infected", "suspicious",
            "encrypted", "unscannable", "error", "forged"]
NOW = int(time.time())


def action_for(status, rng):
    return {"clean": "accept", "probable": "accept", "spam": rng.choice(["reject", "quarantine"]),
            "infected": "reject", "suspicious": "quarantine", "encrypted": "quarantine",
            "unscannable": "quarantine", "error": "tempfail", "forged": "discard"}[status]


def make_fixtures():
    rng = random.Random(7)
    senders = ["alice@example.org", "bob@partner.example", "news@shop.example", "", "carol@example.org",
               "dave@other.example", HOSTILE_SENDER, RTL_SENDER, "hr@example.net"]
    rcpts = ["postmaster@example.org", "sales@example.org", "joe@example.org", "ann@other.example",
             "team@example.net"]
    history, quarantine = [], []
    for i in range(260):
        t = NOW - i * 9000 - rng.randrange(0, 4000)
        status = rng.choice(STATUSES)
        action = action_for(status, rng)
        sender = senders[i % len(senders)] if i < 12 else rng.choice(senders)
        to = rng.sample(rcpts, rng.choice([1, 1, 1, 2, 4]))
        score = round(rng.uniform(6, 18), 1) if status in ("spam", "probable") else round(rng.uniform(-2, 3), 1)
        qid = ""
        if action == "quarantine" or i < 3:
            qid = time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + "-%06X-%08x" % (i, rng.getrandbits(32))
        rec = {
            "id": 10000 - i, "time": t, "queue_id": "4N%06X" % rng.getrandbits(24),
            "client": "%s[192.0.2.%d]" % (rng.choice(["mx1.partner.example", "mail.evil.example", "unknown"]), i % 250),
            "sender": sender, "recipients": to, "size": rng.randrange(800, 2_000_000), "group": "default",
            "status": status, "action": "quarantine" if qid else action,
            "reply": "550 5.7.1 message refused: %s" % status if action == "reject" else "",
            "reason": "" if status == "clean" else "%s: %s" % (status, rng.choice(["Eicar-Test-Signature", "BAYES_99",
                                                                              "double extension " + RTL_NAME, "<b>bold</b>"])),
            "quarantine_id": qid, "spam_score": score,
            "spam_tests": "BAYES_99,URI_PHISH,<svg onload=alert(2)>" if status in ("spam", "probable") else "",
            "ms": rng.randrange(4, 900),
            "detail": "status=%s action=%s size=%d <script>alert(3)</script>" % (status, action, i),
        }
        history.append(rec)
        if qid:
            quarantine.append(make_entry(rec, i, rng))
    quarantine[3]["damage"] = "ID.eml is missing"
    return history, quarantine


def make_entry(rec, i, rng):
    subject = HOSTILE_SUBJECT if i % 5 == 0 else "Your order %d \u202e%s" % (i, "fdp.exe") if i % 5 == 1 \
        else "Quarterly report %d" % i
    return {
        "id": rec["quarantine_id"], "received": rec["time"], "queue_id": rec["queue_id"], "sender": rec["sender"],
        "recipients": rec["recipients"], "group": rec["group"], "status": rec["status"], "action": "quarantine",
        "reason": rec["reason"] or "policy", "size": rec["size"], "released": None,
        "damage": None,
        "client_address": "192.0.2.%d" % (i % 250), "client_name": "mail.evil.example", "helo": "<b>helo</b>",
        "subject": subject,
        "findings": ["1.2 %s %s" % (rec["status"], "Eicar-Test-Signature"), "1.2.1 suspicious " + RTL_NAME],
        "objects": [
            {"path": "1", "depth": 0, "declared": "multipart/mixed", "detected": "multipart/mixed", "size": rec["size"], "status": "clean", "name": ""},
            {"path": "1.1", "depth": 1, "declared": "text/html", "detected": "text/html", "size": 4200, "status": "clean", "name": ""},
            {"path": "1.2", "depth": 1, "declared": "application/zip", "detected": "application/zip", "size": 90000, "status": rec["status"], "name": "docs.zip"},
            {"path": "1.2.1", "depth": 2, "declared": "application/pdf", "detected": "application/x-dosexec", "size": 70000, "status": "suspicious", "name": RTL_NAME},
        ],
        "headers": [
            {"name": "From", "value": rec["sender"] or "<>"},
            {"name": "To", "value": ", ".join(rec["recipients"])},
            {"name": "Subject", "value": subject},
            {"name": "X-Evil", "value": "<iframe src=javascript:alert(4)></iframe>"},
            {"name": "Received", "value": "from mail.evil.example ([192.0.2.1]) by mx.example.org with ESMTPS id %s; %s"
             % (rec["queue_id"], time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(rec["time"])))},
        ],
        "_preview": {"text": "Dear customer,\n\n<b>This is not bold.</b> <script>window.__pwned=1</script>\n"
                             "Open the attached " + RTL_NAME + " now: <a href=\"http://203.0.113.9/\">click</a>\n\n"
                             "Regards\n", "part": "1.1", "truncated": i % 7 == 0},
    }


class State:
    def __init__(self):
        self.history, self.quarantine = make_fixtures()
        self.sessions = {}            # token -> {"user", "csrf"}
        self.failures = {}            # name -> count
        self.lists = {"allow": ["*@partner.example", "newsletter@shop.example"],
                      "block": ["*@evil.example", '"<b>x</b>"@evil.example', RTL_SENDER]}
        self.audit = [{"time": NOW - 600 * k, "user": "admin", "action": a, "what": w} for k, (a, w) in enumerate([
            ("release", "20261203T101500-00000A-1 to joe@example.org"),
            ("delete", '<img src=x onerror=alert(5)> entry'),
            ("list-add", "block " + RTL_SENDER)])]
        self.optouts = set()


STATE = State()


def visible_to(user, rec):
    if user["role"] == "admin":
        return True
    addrs = [rec.get("sender", "")] + list(rec.get("recipients", []))
    return any(a.lower().rsplit("@", 1)[-1].rstrip('"') in user["domains"] for a in addrs if "@" in a)


def matches(rec, q, fields):
    for param, key in fields:
        v = q.get(param)
        if not v:
            continue
        if param in ("status", "action"):
            if rec.get(key) != v:
                return False
        elif param == "rcpt":
            if not any(v.lower() in r.lower() for r in rec["recipients"]):
                return False
        elif v.lower() not in str(rec.get(key, "")).lower():
            return False
    t = rec.get("time", rec.get("received"))
    if q.get("since") and t < int(q["since"]):
        return False
    if q.get("before") and t >= int(q["before"]):
        return False
    return True


def public_entry(e, full):
    keys = ["id", "received", "queue_id", "sender", "recipients", "group", "status", "action", "reason", "size",
            "released", "damage"]
    if full:
        keys += ["client_address", "client_name", "helo", "subject", "findings", "objects", "headers"]
    return {k: e[k] for k in keys}


def stats(hours, admin):
    bucket = 3600 if hours <= 48 else 6 * 3600 if hours <= 168 else 86400
    rng = random.Random(hours)
    series = []
    start = (NOW - hours * 3600) // bucket * bucket + bucket
    for t in range(start, NOW + 1, bucket):
        hour = (t // 3600) % 24
        scale = bucket / 3600 * (0.4 + 0.6 * max(0.0, __import__("math").sin((hour - 6) / 24 * 6.283)))
        series.append({"time": t, "accept": int(rng.uniform(80, 140) * scale), "reject": int(rng.uniform(10, 40) * scale),
                       "quarantine": int(rng.uniform(2, 12) * scale), "tempfail": int(rng.uniform(0, 3) * scale),
                       "discard": int(rng.uniform(0, 2) * scale), "other": int(rng.uniform(0, 1.5) * scale),
                       "ms_p50": int(rng.uniform(30, 60)), "ms_p95": int(rng.uniform(150, 420))})
    return {
        "hours": hours, "bucket": bucket, "series": series,
        "by_status": {"clean": 8200, "spam": 1210, "probable": 430, "infected": 37, "suspicious": 51,
                      "encrypted": 12, "unscannable": 5, "error": 3, "<b>odd</b>": 1},
        "top_detections": [{"name": "Eicar-Test-Signature", "count": 21}, {"name": "Html.Phishing.Bank-1", "count": 9},
                           {"name": "<script>alert(6)</script>", "count": 2}],
        "top_senders": [{"name": HOSTILE_SENDER, "count": 77}, {"name": RTL_SENDER, "count": 30},
                        {"name": "dave@other.example", "count": 12}],
        "top_clients": [{"name": "mail.evil.example[192.0.2.66]", "count": 90}, {"name": "unknown[198.51.100.7]", "count": 41}],
        "daemon": {"messages": 9949, "uptime_seconds": 86400 * 3, "by_action": {"accept": 8400, "reject": 1300},
                   "errors": {"av": 2, "dns": 0}} if admin else None,
        "database": {"version": "daily.cvd 27480", "age_seconds": 5 * 3600 + 1200},
    }


# The oldest entries: the console's click-through acts on the newest.
LINKS = {"good": STATE.quarantine[-1]["id"], "good2": STATE.quarantine[-2]["id"]}
STATE.quarantine[-1]["subject"] = HOSTILE_SUBJECT
STATE.quarantine[-1]["sender"] = HOSTILE_SENDER


def link_entry(token):
    if token == "expired":
        return None, (410, "the link has expired")
    entry = next((e for e in STATE.quarantine if e["id"] == LINKS.get(token)), None)
    if entry is None:
        return None, (403, "the link is not valid: it was altered or is unknown")
    return entry, None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if LOG:
            LOG.write("%s\n" % (fmt % args))
            LOG.flush()

    def send(self, status, body, ctype="application/json", extra=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def error(self, status, message):
        self.send(status, {"error": message})

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        if not url.path.startswith("/api/"):
            return self.static(url.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if method == "POST" and url.path == "/api/login":
            return self.login(raw)
        if url.path.startswith("/api/link"):
            return self.link(method, url.path, q, raw)
        sess = STATE.sessions.get(self.cookie())
        if sess is None:
            return self.error(401, "log in first")
        if method == "POST" and self.headers.get("X-CSRF-Token") != sess["csrf"]:
            return self.error(403, "missing or wrong X-CSRF-Token")
        body = {}
        if method == "POST":
            if (self.headers.get("Content-Type") or "").split(";")[0] != "application/json":
                return self.error(415, "JSON bodies only")
            try:
                body = json.loads(raw or "{}")
            except ValueError:
                return self.error(400, "the body is not JSON")
        user = dict(USERS[sess["user"]], name=sess["user"])
        self.api(method, url.path, q, body, user, sess)

    def cookie(self):
        for part in (self.headers.get("Cookie") or "").split(";"):
            k, _, v = part.strip().partition("=")
            if k == "pcw_session":
                return v
        return None

    def static(self, path):
        name = "index.html" if path in ("/", "") else path.lstrip("/")
        full = os.path.realpath(os.path.join(UI, name))
        if not full.startswith(os.path.realpath(UI) + os.sep) or not os.path.isfile(full):
            return self.send(404, b"not found\n", "text/plain")
        ctype = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".png": "image/png"}.get(os.path.splitext(full)[1], "application/octet-stream")
        with open(full, "rb") as f:
            self.send(200, f.read(), ctype)

    def login(self, raw):
        form = {k: v[-1] for k, v in urllib.parse.parse_qs(raw).items()}
        name, password = form.get("name"), form.get("password")
        if name is None or password is None:
            return self.error(400, "name and password, form-encoded")
        if STATE.failures.get(name, 0) >= 5:
            return self.error(401, "too many failed logins, try later")
        user = USERS.get(name)
        if user is None or user["password"] != password:
            STATE.failures[name] = STATE.failures.get(name, 0) + 1
            return self.error(401, "wrong name or password")
        token, csrf = secrets.token_hex(16), secrets.token_hex(16)
        STATE.sessions[token] = {"user": name, "csrf": csrf}
        self.send(200, {"user": name, "role": user["role"], "domains": user["domains"], "csrf": csrf},
                  extra=[("Set-Cookie", "pcw_session=%s; Path=/; HttpOnly; SameSite=Strict" % token)])

    def link(self, method, path, q, raw):
        if method == "GET" and path == "/api/link":
            entry, err = link_entry(q.get("t", ""))
            if err:
                return self.error(*err)
            return self.send(200, {"id": entry["id"], "recipient": entry["recipients"][0], "sender": entry["sender"],
                                   "subject": entry["subject"], "received": entry["received"], "status": entry["status"],
                                   "reason": "spam: USER_IN_BLOCKLIST", "expires": NOW + 6 * 86400,
                                   "released": bool(entry["released"])})
        if method != "POST" or path not in ("/api/link/release", "/api/link/optout"):
            return self.error(404, "no such API")
        try:
            token = json.loads(raw or "{}").get("t", "")
        except (ValueError, AttributeError):
            return self.error(400, "the body is not JSON")
        entry, err = link_entry(token)
        if err:
            return self.error(*err)
        if path.endswith("optout"):
            STATE.optouts.add(entry["recipients"][0])
            return self.send(200, {"opted_out": True})
        if entry["released"]:
            return self.error(409, "already released")
        entry["released"] = "%s UTC to %s" % (time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                                              entry["recipients"][0])
        self.send(200, {"released": True})

    def api(self, method, path, q, body, user, sess):
        parts = path.strip("/").split("/")[1:]
        admin = user["role"] == "admin"
        if method == "GET" and parts == ["me"]:
            return self.send(200, {"user": user["name"], "role": user["role"], "domains": user["domains"], "csrf": sess["csrf"]})
        if method == "POST" and parts == ["logout"]:
            STATE.sessions.pop(self.cookie(), None)
            return self.send(200, {"logged_out": True}, extra=[("Set-Cookie", "pcw_session=; Path=/; Max-Age=0")])
        if method == "GET" and parts[0] == "history":
            return self.history(parts, q, user)
        if parts[0] == "quarantine":
            return self.quarantine(method, parts, q, body, user)
        if parts == ["lists"]:
            if not admin:
                return self.error(403, "administrators only")
            if method == "GET":
                return self.send(200, STATE.lists)
            return self.change_list(body, user)
        if method == "GET" and parts == ["stats"]:
            hours = max(1, min(720, int(q.get("hours") or 24)))
            return self.send(200, stats(hours, admin))
        if method == "GET" and parts == ["audit"]:
            if not admin:
                return self.error(403, "administrators only")
            return self.send(200, STATE.audit[: int(q.get("limit") or 100)])
        self.error(404, "no such API")

    def history(self, parts, q, user):
        mine = [r for r in STATE.history if visible_to(user, r)]
        if len(parts) == 2:
            rec = next((r for r in mine if str(r["id"]) == parts[1]), None)
            return self.send(200, rec) if rec else self.error(404, "no such record")
        fields = [("sender", "sender"), ("rcpt", "recipients"), ("queue_id", "queue_id"), ("client", "client"),
                  ("status", "status"), ("action", "action")]
        found = [r for r in mine if matches(r, q, fields)]
        limit, offset = min(int(q.get("limit") or 100), 1000), int(q.get("offset") or 0)
        self.send(200, found[offset:offset + limit])

    def quarantine(self, method, parts, q, body, user):
        mine = [e for e in STATE.quarantine if visible_to(user, e)]
        if method == "GET" and len(parts) == 1:
            found = [e for e in mine if matches(e, q, [("status", "status"), ("sender", "sender"), ("rcpt", "recipients")])]
            limit, offset = min(int(q.get("limit") or 100), 1000), int(q.get("offset") or 0)
            return self.send(200, {"entries": [public_entry(e, False) for e in found[offset:offset + limit]],
                                   "more": len(found) > offset + limit})
        if method == "POST" and parts[1:] == ["bulk"]:
            ids = body.get("ids") or []
            action = body.get("action")
            if action not in ("release", "delete", "spam", "ham") or not isinstance(ids, list) or len(ids) > 1000:
                return self.error(400, "action release|delete|spam|ham and up to 1000 ids")
            results = []
            for i in ids:
                e = next((x for x in mine if x["id"] == i), None)
                ok, err = self.act(e, "learn" if action in ("spam", "ham") else action, {"class": action}, user)
                results.append({"id": i, "ok": ok, "error": err})
            return self.send(200, {"results": results})
        e = next((x for x in mine if x["id"] == parts[1]), None)
        if e is None:
            return self.error(404, "no such entry")
        if method == "GET" and len(parts) == 2:
            return self.send(200, public_entry(e, True))
        if method == "GET" and parts[2:] == ["preview"]:
            return self.send(200, e["_preview"])
        if method == "GET" and parts[2:] == ["download"]:
            return self.send(200, b"From: x\r\nSubject: stored message\r\n\r\nbody\r\n", "application/octet-stream",
                             [("Content-Disposition", 'attachment; filename="%s.eml"' % e["id"])])
        if method == "POST" and len(parts) == 3:
            ok, err = self.act(e, parts[2], body, user)
            if not ok:
                return self.error(400 if err != "no such entry" else 404, err)
            # the shape of portcullis-web's answer (web/api.h)
            done = body.get("class") if parts[2] == "learn" else parts[2]
            out = {"id": e["id"], "done": done}
            if e.get("released"):
                out["released"] = e["released"]
            return self.send(200, out)
        self.error(404, "no such API")

    def act(self, e, action, body, user):
        if e is None:
            return False, "no such entry"
        if e.get("damage"):
            return False, "the entry is damaged: " + e["damage"]
        if action == "release":
            to = body.get("to") or e["recipients"]
            if user["role"] != "admin" and any(a.rsplit("@", 1)[-1] not in user["domains"] for a in to):
                return False, "you may release only to your domains"
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
            e["released"] = "%s UTC to %s" % (stamp, ",".join(to))
        elif action == "delete":
            STATE.quarantine.remove(e)
        elif action == "learn":
            if body.get("class") not in ("spam", "ham"):
                return False, "class spam or ham"
        else:
            return False, "no such action"
        STATE.audit.insert(0, {"time": int(time.time()), "user": user["name"], "action": action, "what": e["id"]})
        return True, None

    def change_list(self, body, user):
        which, op, mask = body.get("list"), body.get("op"), body.get("mask")
        if which not in ("allow", "block") or op not in ("add", "remove") or not isinstance(mask, str) or not mask:
            return self.error(400, "list allow|block, op add|remove, mask")
        masks = STATE.lists[which]
        if op == "add" and mask in masks:
            return self.error(409, "already listed")
        if op == "remove" and mask not in masks:
            return self.error(404, "not listed")
        masks.append(mask) if op == "add" else masks.remove(mask)
        STATE.audit.insert(0, {"time": int(time.time()), "user": user["name"], "action": "list-" + op,
                               "what": "%s %s" % (which, mask)})
        self.send(200, STATE.lists)


def main():
    global UI, LOG
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="a fake of the web console's API, with fixtures")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--ui", default=os.path.join(here, "..", "..", "web", "ui"))
    ap.add_argument("--log")
    args = ap.parse_args()
    UI = args.ui
    LOG = open(args.log, "a") if args.log else None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    print("mock API on http://127.0.0.1:%d/" % port, flush=True)
    server.serve_forever()


UI = LOG = None
if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
