#!/bin/bash
# make screenshots: the pictures of the README's web-console chapter,
# doc/screenshots/*.png in the source tree (1280x860, device scale 1).
# A moderately busy gateway is made up for them: 24 hours of synthetic
# message trace records written into history.sqlite (a day-shaped curve,
# UTC office hours), plus a dozen real messages fed to a real portcullis
# with miltertest (tests/web/feed.lua): spam from block-listed senders and
# an EICAR attachment, quarantined, and an EICAR to the group "finance",
# rejected, arriving over the last three hours (libfaketime); then the
# records are numbered in time order (readme-history.py --renumber).
# portcullisctl digest mails the recipients their links (kept by a
# sendmail stand-in); two colleagues act through the API (one release is
# refused) so the audit log has history; tests/browser/readme-shots.js logs
# in as an administrator, acts and takes the pictures; pngquant shrinks
# them.  libfaketime and pngquant are installed when missing (as root).
# Not part of make check: it prints what it wrote and how long it took, or
# why not, and leaves its work in $top_builddir/tests/out/readme-shots.
set -u
: "${top_srcdir:?run through make screenshots}"
: "${top_builddir:?run through make screenshots}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/browser/lib.sh"
. "$top_srcdir/tests/web/lib.sh"
export LC_ALL=C TZ=UTC
start=$(date +%s.%N)
work=$(pc_workdir readme-shots)
out="$(cd "$top_srcdir" && pwd)/doc/screenshots"
CTL="$top_builddir/portcullisctl"
conf="$work/portcullis.conf"
PASSWORD='correct horse battery staple'

die() {
	echo "make screenshots: $1" >&2
	shift
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/  | /' "$f" | tail -20 >&2
	done
	exit 1
}
make -s -C "$top_builddir" portcullis portcullisctl portcullis-web > "$work/make.log" 2>&1 ||
	die "the build failed" "$work/make.log"
command -v miltertest > /dev/null || die "miltertest is missing (./install-deps test)"
why=$(pc_browser_deps "$work") || die "$why"
pc_browser_modules "$work" || die "npm ci failed" "$work/npm-ci.log"

port=$(pcw_free_port)
base="http://127.0.0.1:$port"
mkdir -p "$work/spool" "$work/quarantine" "$work/groups.d" "$work/lists" "$work/web" "$work/sent" "$work/mail"
wpid=
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	[ -f "$work/milter.pid" ] && pc_stop_milter "$work" > /dev/null 2>&1
}
trap cleanup EXIT

# "sendmail" for releases and digests: each message and its arguments, numbered.
pcw_keep_sendmail

# --- one configuration for the milter, portcullis-web and portcullisctl -------
pcw_console_conf "$conf" "127.0.0.1:$port" "$base"
printf '[notify]\nsendmail_path = %s/keep.sh\n' "$work" >> "$conf"
cat > "$work/groups.d/finance.conf" <<CONF
[group:finance]
recipients = *@finance.example.com
block = infected
block_action = reject
CONF
cat > "$work/lists/block" <<LIST
offers@deals.example
*@bulk-mailer.example
news@promo-blast.example
*@pharma.example
winner@lottery.example
LIST
cat > "$work/lists/allow" <<LIST
*@partner.example.org
billing@supplier.example.net
alerts@monitoring.example.com
LIST
for u in "postmaster admin" "helpdesk admin" "netadmin domain example.net"; do
	# shellcheck disable=SC2086
	printf '%s\n' "$PASSWORD" | "$CTL" -c "$conf" web-user add $u >> "$work/web-user.out" 2>&1 ||
		die "portcullisctl web-user add $u failed" "$work/web-user.out"
done

# --- 24 hours of a gateway's trace, written straight into history.sqlite ------
mkdir -p "$work/history"
"$CTL" -c "$conf" history --limit 1 > "$work/history-init.out" 2>&1 ||
	die "portcullisctl history failed" "$work/history-init.out"
/usr/bin/python3 "$top_srcdir/tests/browser/readme-history.py" "$work/history/history.sqlite" \
	> "$work/history-fill.out" 2>&1 || die "filling the history failed" "$work/history-fill.out"

# --- the milter and the real messages --------------------------------------------
# The real messages arrived over the last three hours, not in one second:
# portcullis runs under libfaketime, its clock set back before each one
# (the offset file is read at every call; the monotonic clock is left
# alone).  Without libfaketime they all arrive now.
faketime=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ ! -f "$faketime" ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
		--no-install-recommends libfaketime > "$work/apt-get-faketime.log" 2>&1
fi
echo "+0" > "$work/faketime"
if [ -f "$faketime" ]; then
	LD_PRELOAD=$faketime FAKETIME_TIMESTAMP_FILE="$work/faketime" FAKETIME_NO_CACHE=1 \
		FAKETIME_DONT_FAKE_MONOTONIC=1 pc_start_milter "$work" "unix:$work/milter.sock" -c "$conf" \
		> "$work/milter-start.out" 2>&1
else
	echo "make screenshots: no libfaketime, the messages all arrive now" >&2
	pc_start_milter "$work" "unix:$work/milter.sock" -c "$conf" > "$work/milter-start.out" 2>&1
fi || die "portcullis did not start" "$work/milter-start.out" "$work/milter.log"
n=0
feed() { # minutes-ago sender rcpts file
	n=$((n + 1))
	echo "-$1m" > "$work/faketime"
	sed "s/^Date: .*/Date: $(date -R -d "-$1 minutes -25 seconds")\r/" "$4" > "$4.tmp" && mv "$4.tmp" "$4"
	shift
	miltertest -s "$top_srcdir/tests/web/feed.lua" -D SOCKET="unix:$work/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D QID="$(tr -dc 'B-Zb-z0-9' < /dev/urandom | head -c 10 | sed 's/^/4/')" \
		-D SENDER="$1" -D RCPTS="$2" -D MSG="$3" >> "$work/mt.out" 2>&1
}
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
msg() { # file from to subject [content-type]: the body on stdin
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: now\r\n' "$2" "$3" "$4"
		printf 'Message-ID: <%s.%s@%s>\r\nMIME-Version: 1.0\r\n' "$(date +%s%N)" "$RANDOM" \
			"$(echo "$2" | sed 's/.*@//; s/>.*//')"
		printf 'Content-Type: %s\r\n\r\n' "${5:-text/plain; charset=utf-8}"
		sed 's/$/\r/'
	} > "$work/mail/$1.eml"
}
msg pills 'Pharma Direct <offers@pharma.example>' 'j.doe@example.com' 'Your prescription refill: 80% off today only' <<'EOF'
Dear customer,

Your discount code is waiting. Order any two products and get the third
one free. Discreet shipping worldwide, no prescription needed.

Unsubscribe: reply with STOP.
EOF
msg lottery '"International Lottery Board" <winner@lottery.example>' 'sales@example.net' 'Congratulations! You have been selected (ref. 0042-7781)' <<'EOF'
Dear winner,

Your e-mail address was drawn in our annual promotion. To claim your prize
of EUR 850,000.00, send your full name, address and bank details to our
claims agent within 7 days.
EOF
msg deals1 'Deals Team <offers@deals.example>' 'm.rossi@example.com' 'Last chance: winter clearance ends at midnight' <<'EOF'
Everything must go. Up to 70% off laptops, phones and accessories.
Free delivery on orders over 50.
EOF
msg deals2 'Deals Team <offers@deals.example>' 'accounts@example.net' 'Re: your quote request #88213' <<'EOF'
Hello, as discussed please find our best price below. Reply today to lock it in.
EOF
msg bulk1 'Growth Hacks <team@bulk-mailer.example>' 'ceo@example.com' '10x your leads in 30 days (guaranteed)' <<'EOF'
We help companies like yours triple their pipeline. Book a 15-minute call.
EOF
msg bulk2 'SEO Experts <rank@bulk-mailer.example>' 'webmaster@example.net' 'Your website is not on the first page of search results' <<'EOF'
We noticed that your site does not rank for its most important keywords.
Our team can fix that in 30 days. Reply YES for a free audit.
EOF
msg newsletter 'Promo Blast <news@promo-blast.example>' 'j.doe@example.com' 'Exclusive member offer: smart watch for 1 EUR' 'text/html; charset=utf-8' <<'EOF'
<!DOCTYPE html>
<html><head><title>Member offer</title>
<style>body { font-family: Arial; } .cta { background: #e63; color: #fff; }</style></head>
<body>
<table width="600"><tr><td>
<h1>Exclusive member offer</h1>
<p>Dear valued member,</p>
<p>As a thank-you for your loyalty, you have been selected to receive the
<b>new SmartFit Pro watch</b> for only <b>1 EUR</b> &ndash; retail price 349 EUR.</p>
<p>Only 25 watches are left in stock. This offer expires in <b>24 hours</b>.</p>
<p><a class="cta" href="http://promo-blast.example/claim?id=88213">Claim your watch now</a></p>
<img src="http://promo-blast.example/track.gif?u=88213" width="1" height="1">
<hr>
<p>Heart rate, sleep tracking, 14-day battery, waterproof to 50 m.</p>
<p>You receive this e-mail because you signed up at one of our partners.
To stop receiving these offers, <a href="http://promo-blast.example/unsub">unsubscribe here</a>.</p>
<p>Promo Blast Ltd, 1 Example Street, Example City</p>
</td></tr></table>
</body></html>
EOF
msg pills2 'Pharma Direct <offers@pharma.example>' 'helpdesk@example.net' 'Re: Order confirmation #55120' <<'EOF'
Thank you for your order. Pay now to confirm shipping.
EOF
msg lottery2 '"Claims Dept." <winner@lottery.example>' 'm.rossi@example.com' 'Final notice: unclaimed prize funds' <<'EOF'
This is our final notice. Your prize will be forfeited if not claimed.
EOF
b=pcb$RANDOM$RANDOM
msg invoice 'Accounts <accounts@invoices.example>' 'ap@example.com' 'Invoice INV-2024-0117 overdue' "multipart/mixed; boundary=\"$b\"" <<EOF
--$b
Content-Type: text/plain; charset=utf-8

Please find the overdue invoice attached. Payment is due immediately.

--$b
Content-Type: application/octet-stream; name="INV-2024-0117.com"
Content-Disposition: attachment; filename="INV-2024-0117.com"

$eicar
--$b--
EOF
msg payroll 'HR Department <hr@payroll-update.example>' 'treasury@finance.example.com' 'Updated payroll schedule' "multipart/mixed; boundary=\"$b\"" <<EOF
--$b
Content-Type: text/plain; charset=utf-8

Please review the updated payroll schedule in the attachment.

--$b
Content-Type: application/octet-stream; name="schedule.com"
Content-Disposition: attachment; filename="schedule.com"

$eicar
--$b--
EOF
msg lunch 'Anna Berg <anna.berg@partner.example.org>' 'j.doe@example.com' 'Lunch on Thursday?' <<'EOF'
Hi John, are you free for lunch on Thursday? The usual place at 12:30.
Anna
EOF
ok=1
feed 171 winner@lottery.example sales@example.net,info@example.net "$work/mail/lottery.eml" || ok=0
feed 143 offers@pharma.example j.doe@example.com "$work/mail/pills.eml" || ok=0
feed 122 team@bulk-mailer.example ceo@example.com "$work/mail/bulk1.eml" || ok=0
feed 97 offers@deals.example m.rossi@example.com "$work/mail/deals1.eml" || ok=0
feed 81 anna.berg@partner.example.org j.doe@example.com "$work/mail/lunch.eml" || ok=0
feed 64 accounts@invoices.example ap@example.com "$work/mail/invoice.eml" || ok=0
feed 47 offers@deals.example accounts@example.net "$work/mail/deals2.eml" || ok=0
feed 33 rank@bulk-mailer.example webmaster@example.net "$work/mail/bulk2.eml" || ok=0
feed 24 hr@payroll-update.example treasury@finance.example.com "$work/mail/payroll.eml" || ok=0
feed 15 offers@pharma.example helpdesk@example.net "$work/mail/pills2.eml" || ok=0
feed 8 news@promo-blast.example j.doe@example.com,sales@example.net "$work/mail/newsletter.eml" || ok=0
feed 3 winner@lottery.example m.rossi@example.com "$work/mail/lottery2.eml" || ok=0
[ $ok = 1 ] || die "miltertest failed" "$work/mt.out"
nq=$(ls "$work"/quarantine/*.meta 2>/dev/null | wc -l)
[ "$nq" = 10 ] || die "10 messages should be in the quarantine, not $nq" "$work/milter.log"
# The trace is written by a thread of its own: wait for the 12 records.
synthetic=$(cat "$work/history-fill.out")
for _ in $(seq 200); do
	[ "$(/usr/bin/python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM messages").fetchone()[0])' \
		"$work/history/history.sqlite")" = $((synthetic + 12)) ] && break
	sleep 0.05
done
/usr/bin/python3 "$top_srcdir/tests/browser/readme-history.py" --renumber "$work/history/history.sqlite" \
	> "$work/renumber.out" 2>&1 || die "renumbering the history failed" "$work/renumber.out"

# --- a digest, its links kept for the recipient's picture ----------------------
"$CTL" -c "$conf" digest > "$work/digest.out" 2>&1 || die "portcullisctl digest failed" "$work/digest.out"
digest=$(grep -l "^To: j.doe@example.com" "$work"/sent/*.eml | head -1)
[ -n "$digest" ] || die "no digest for j.doe@example.com" "$work/digest.out"
/usr/bin/python3 - "$digest" "$base" > "$work/link" <<'PY' || die "no link in the digest" "$digest"
import email, email.policy, re, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
body = m.get_body(("plain",)).get_content()
links = re.findall(re.escape(sys.argv[2]) + r"/#/link/[A-Za-z0-9_.~%=-]+", body)
# the newsletter's, so that the page has a subject worth reading
for block in body.split("\n\n"):
    if "smart watch" in block and re.search(r"/#/link/", block):
        links = re.findall(re.escape(sys.argv[2]) + r"/#/link/[A-Za-z0-9_.~%=-]+", block) + links
print(links[0])
PY

# --- portcullis-web and the browser --------------------------------------------------
pcw_serve -c "$conf" > /dev/null || die "portcullis-web did not start" "$work/web.log"

# --- colleagues were here before: their actions in the audit log (the API) ------
login() { # user: cookie jar WORK/USER.jar, CSRF token in WORK/USER.csrf
	curl -s -c "$work/$1.jar" --data-urlencode "name=$1" --data-urlencode "password=$PASSWORD" \
		"$base/api/login" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf"])' \
		> "$work/$1.csrf"
}
post() { # user path json
	curl -s -o /dev/null -w '%{http_code} ' -b "$work/$1.jar" -H "X-CSRF-Token: $(cat "$work/$1.csrf")" \
		-H 'Content-Type: application/json' --data "$3" "$base$2" >> "$work/api.codes"
}
qid() { # a word of the meta: the id of the entry
	grep -l -- "$1" "$work"/quarantine/*.meta | head -1 | xargs basename | sed 's/\.meta$//'
}
login helpdesk && login netadmin || die "the API login failed" "$work/web.log"
post netadmin "/api/quarantine/$(qid 'helpdesk@example.net')/release" '{}'
post netadmin "/api/quarantine/$(qid 'news@promo-blast')/release" '{"to": ["j.doe@example.com"]}'
post helpdesk "/api/quarantine/$(qid 'ceo@example.com')/learn" '{"class": "spam"}'
post helpdesk /api/lists '{"list": "allow", "op": "add", "mask": "newsletter@news.example.org"}'
[ "$(cat "$work/api.codes")" = "200 403 200 200 " ] || die "the colleagues' API calls: $(cat "$work/api.codes")" "$work/web.log"

mkdir -p "$out" "$work/shots"
PC_SHOTS_PASSWORD="$PASSWORD" PC_SHOTS_LINK="$(cat "$work/link")" PC_SHOTS_WORK="$work" \
	timeout 120 node "$top_srcdir/tests/browser/readme-shots.js" "$base" "$work/shots" \
	> "$work/node.out" 2> "$work/node.err"
st=$?
[ $st = 0 ] || die "readme-shots.js failed (status $st)" "$work/node.err"
# 256 colours lose nothing one sees in these pictures and two thirds of
# their bytes (pngquant, installed when missing; without it they stay as
# chromium wrote them).
if ! command -v pngquant > /dev/null && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
		--no-install-recommends pngquant > "$work/apt-get-pngquant.log" 2>&1
fi
command -v pngquant > /dev/null || echo "make screenshots: no pngquant, the pictures stay large" >&2
while read -r name; do
	command -v pngquant > /dev/null &&
		pngquant --quality=70-95 --speed 1 --strip --force --output "$out/$name" "$work/shots/$name" ||
		cp "$work/shots/$name" "$out/$name"
done < "$work/node.out"
sed "s|^|$out/|" "$work/node.out" | xargs ls -l | awk '{ printf "%-60s %7d bytes\n", $NF, $5 }'
awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "make screenshots: %.1f s\n", b - a }'
