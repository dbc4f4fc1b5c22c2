#!/usr/bin/python3
# tests/browser/readme-history.py DB - 24 hours of a moderately busy
# gateway's message trace, written into DB (history.sqlite, its schema
# made by portcullisctl) for make screenshots.  Seeded: the same records
# every run, placed in the 24 hours before now (office hours UTC busy,
# nights quiet).  Prints how many records it wrote.
# tests/browser/readme-history.py --renumber DB - numbers the records in
# the order of their time (the trace lists by record number, newest
# first): the real messages fed afterwards arrived in the past, by
# libfaketime.
import math
import random
import sqlite3
import sys
import time

if sys.argv[1] == "--renumber":
    db = sqlite3.connect(sys.argv[2], timeout=30)
    with db:
        old = [r[0] for r in db.execute("SELECT id FROM messages ORDER BY time, id")]
        db.execute("UPDATE messages SET id = -id")
        db.execute("UPDATE rcpts SET id = -id")
        for new, i in enumerate(old, 1):
            db.execute("UPDATE messages SET id = ? WHERE id = ?", (new, -i))
            db.execute("UPDATE rcpts SET id = ? WHERE id = ?", (new, -i))
    sys.exit(0)

rnd = random.Random(20240117)
db = sqlite3.connect(sys.argv[1])
now = int(time.time())
start = now - 24 * 3600 + 60
stop = now - 90

# Messages per hour at each hour of the day (UTC): quiet at night, busy in
# office hours with a dip at lunch, a little evening traffic.
HOURLY = [40, 30, 25, 22, 24, 35, 70, 150, 260, 310, 300, 280,
          220, 270, 300, 290, 250, 190, 130, 95, 80, 70, 60, 50]

LOCAL = {
    "example.com": ["j.doe", "m.rossi", "a.schmidt", "p.nguyen", "l.martin", "ceo", "sales",
                    "support", "ap", "hr", "it-ops", "k.tanaka", "s.okafor", "r.garcia"],
    "example.net": ["info", "sales", "accounts", "helpdesk", "webmaster", "noc", "e.kowalski",
                    "d.silva", "billing"],
    "finance.example.com": ["treasury", "payroll", "audit"],
}
RCPT_WEIGHTS = {"example.com": 6, "example.net": 3, "finance.example.com": 1}
LEGIT = [
    ("anna.berg@partner.example.org", "mx1.partner.example.org", "198.51.100.25"),
    ("orders@supplier.example.net", "smtp.supplier.example.net", "198.51.100.40"),
    ("billing@supplier.example.net", "smtp.supplier.example.net", "198.51.100.40"),
    ("noreply@crm.example", "out-3.crm.example", "203.0.113.17"),
    ("notifications@tickets.example", "mail.tickets.example", "203.0.113.30"),
    ("alerts@monitoring.example.com", "mon.example.com", "192.0.2.10"),
    ("newsletter@news.example.org", "bulk-7.news.example.org", "198.51.100.77"),
    ("t.fischer@example.org", "mail.example.org", "198.51.100.12"),
    ("c.dubois@example.org", "mail.example.org", "198.51.100.12"),
    ("h.jensen@consulting.example", "mx.consulting.example", "203.0.113.55"),
    ("jobs@recruiting.example", "mta.recruiting.example", "203.0.113.61"),
    ("calendar@office.example", "mail-out.office.example", "2001:db8:10::25"),
    ("no-reply@bank.example", "smtp.bank.example", "198.51.100.90"),
    ("support@saas.example", "o1.saas.example", "2001:db8:44::7"),
    ("", "mx2.partner.example.org", "198.51.100.26"),	# bounces
]
SHADY = [
    ("offers@deals.example", "unknown", "203.0.113.200"),
    ("promo@cheap-watches.example", "unknown", "203.0.113.201"),
    ("admin@secure-login.example", "vps-17.host.example", "203.0.113.143"),
    ("info@invoice-docs.example", "unknown", "198.51.100.231"),
    ("team@bulk-mailer.example", "bulk.mailer.example", "203.0.113.88"),
    ("ceo@example.com", "unknown", "203.0.113.222"),	# forged
    ("security@bank-alerts.example", "unknown", "198.51.100.240"),
    ("hr@payroll-update.example", "unknown", "203.0.113.177"),
    ("newsletter@promo-blast.example", "mail.promo-blast.example", "203.0.113.99"),
]
VIRUSES = ["Win.Trojan.Agent-123", "Doc.Dropper.Agent-456", "Html.Phishing.Bank-789",
           "Xls.Downloader.Emotet-6712", "Js.Trojan.Nemucod-11", "Eicar-Test-Signature"]
RULES = ["name:*.exe", "name:*.js", "type:application/x-msdownload", "name:*.iso", "macro:vba"]
SPAM_TESTS = ["BAYES_99", "URIBL_BLACK", "RCVD_IN_SBL", "HTML_MESSAGE", "MIME_HTML_ONLY",
              "FREEMAIL_FROM", "SUBJ_ALL_CAPS", "LOTS_OF_MONEY", "URI_PHISH", "FORGED_SENDER",
              "DKIM_ADSP_NXDOMAIN", "RDNS_NONE", "BAYES_80", "HTML_IMAGE_ONLY_16"]
HAM_TESTS = ["BAYES_00", "DKIM_SIGNED", "DKIM_VALID", "SPF_PASS", "HTML_MESSAGE",
             "RCVD_IN_DNSWL_LOW"]


def qid():
    return "4" + "".join(rnd.choice("BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789")
                         for _ in range(10))


def rcpts():
    n = 1 if rnd.random() < 0.85 else rnd.randint(2, 4)
    out = []
    for _ in range(n):
        dom = rnd.choices(list(RCPT_WEIGHTS), list(RCPT_WEIGHTS.values()))[0]
        addr = f"{rnd.choice(LOCAL[dom])}@{dom}"
        if addr not in out:
            out.append(addr)
    return out


def latency(heavy):
    # lognormal: median ~20 ms, 95th percentile ~150 ms; big mail scans longer
    ms = math.exp(rnd.gauss(math.log(19), 1.2))
    if heavy:
        ms *= 2
    return round(min(ms, 4000), 3)


# status, action, weight
KINDS = [("clean", "accept", 7700), ("probable", "accept", 520), ("spam", "quarantine", 610),
         ("spam", "reject", 180), ("spam", "discard", 40), ("infected", "reject", 70),
         ("infected", "quarantine", 25), ("filtered", "quarantine", 45), ("suspicious", "quarantine", 30),
         ("encrypted", "accept", 80), ("unscannable", "accept", 15), ("forged", "reject", 60),
         ("error", "tempfail", 35), ("clean", "tempfail", 25)]


def record(t):
    status, action, _ = rnd.choices(KINDS, [k[2] for k in KINDS])[0]
    bad = status not in ("clean", "encrypted", "unscannable", "error")
    sender, host, ip = rnd.choice(SHADY if bad and rnd.random() < 0.7 else LEGIT)
    if status == "forged":
        sender, host, ip = rnd.choice([("ceo@example.com", "unknown", "203.0.113.222"),
                                        ("security@bank.example", "unknown", "198.51.100.241")])
    if not bad and status != "clean" and not sender:
        sender = "orders@supplier.example.net"
    to = rcpts()
    grp = "finance" if any(r.endswith("@finance.example.com") for r in to) else "default"
    heavy = status in ("infected", "encrypted", "filtered", "suspicious") or rnd.random() < 0.1
    size = int(math.exp(rnd.gauss(math.log(14000), 0.9)) * (8 if heavy else 1))
    reply = reason = quarantine = detections = ""
    tests = []
    if status in ("clean", "encrypted", "unscannable"):
        score = round(rnd.uniform(-3, 2.5), 1)
        tests = rnd.sample(HAM_TESTS, rnd.randint(2, 4))
    elif status == "probable":
        score = round(rnd.uniform(3, 4.9), 1)
        tests = rnd.sample(SPAM_TESTS[2:], rnd.randint(2, 4))
        reason = f"probable: {tests[0]}"
    elif status == "spam":
        score = round(rnd.uniform(5.2, 28), 1)
        tests = ["BAYES_99"] + rnd.sample(SPAM_TESTS[1:], rnd.randint(2, 5))
        reason = f"spam: {tests[0]}"
    else:
        score = round(rnd.uniform(-1, 4), 1)
    if status == "infected":
        v = rnd.choice(VIRUSES)
        detections, reason = v, f"virus {v} found"
    elif status == "filtered":
        r = rnd.choice(RULES)
        detections, reason = r, f"filtered: {r}"
    elif status == "suspicious":
        detections = rnd.choice(["Heuristics.Phishing.Email.SpoofedDomain", "Heuristics.Encrypted.Zip",
                                 "Heuristics.OLE2.ContainsMacros"])
        reason = f"suspicious: {detections}"
    elif status == "encrypted":
        detections = "Heuristics.Encrypted.PDF" if rnd.random() < 0.4 else "Heuristics.Encrypted.Zip"
    elif status == "unscannable":
        reason = "unscannable attachment (archive nested too deep)"
    elif status == "forged":
        reason = f"DMARC policy of {sender.split('@')[1]} (p=reject)"
    elif status == "error":
        reason = "scan timed out"
    if action == "reject":
        reply = f"550 5.7.1 Message rejected: {reason}"
    elif action == "tempfail":
        reply = ("451 4.7.1 Virus scan failed, try again later" if status == "error"
                 else "451 4.3.0 Temporary local problem, try again later")
    q = qid()
    if action == "quarantine":
        quarantine = time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f"-{q}-{rnd.getrandbits(32):08x}"
    ms = latency(heavy)
    client = f"{host}[{ip}]"
    detail = (f"from=<{sender}> to=<{','.join(to)}> size={size} client={client} group={grp} "
              f"av={'infected(' + detections + ')' if status == 'infected' else 'clean'} action={action}"
              + (f" quarantine={quarantine}" if quarantine else "")
              + (f' reason="{reason}"' if reason else "")
              + f" scan=parts spam={score:.1f}/5.0({','.join(tests)}) time={ms:.1f}ms")
    return ((t, q, client, sender, "\n".join(to), size, grp, status, action, reply, reason, quarantine,
             score, ",".join(tests), detail, ms, detections), to)


# Each minute gets its hour's rate (interpolated to the next hour's, so the
# curve has no steps), with noise.
times = []
for m in range(start // 60, stop // 60):
    t0 = m * 60
    h = time.gmtime(t0)
    frac = h.tm_min / 60
    rate = (HOURLY[h.tm_hour] * (1 - frac) + HOURLY[(h.tm_hour + 1) % 24] * frac) / 60
    k = sum(1 for _ in range(12) if rnd.random() < rate / 12 * rnd.uniform(0.6, 1.4))
    times += sorted(t0 + rnd.randrange(60) for _ in range(k))
with db:
    for t in times:
        row, to = record(t)
        cur = db.execute("INSERT INTO messages (time, queue_id, client, sender, recipients, size, grp, "
                         "status, action, reply, reason, quarantine_id, spam_score, spam_tests, detail, "
                         "ms, detections) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
        db.executemany("INSERT INTO rcpts (id, rcpt) VALUES (?, ?)", [(cur.lastrowid, r) for r in to])
print(len(times))
