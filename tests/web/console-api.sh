#!/bin/bash
# portcullis-web's quarantine, sender lists, statistics, audit log and
# recipients' links over HTTP with curl, on a quarantine the milter filled:
# an EICAR message to rcpt@example.net, two spam messages from a blocked
# sender (one to boss@other.example and rcpt@example.net, one, hostile
# HTML, to boss@other.example only) and a clean one.  Every endpoint is
# asked as an administrator and as other.example's domain administrator:
# what the latter may not see is 404, what it may see but not do is 403,
# and a GET changes nothing.  Releases go through a sendmail that keeps
# what it is given; portcullisctl digest sends each recipient its links,
# and a link releases only its own message, only by POST, and not once
# altered.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/web/lib.sh"
work=$(pc_workdir web-console-api)
mkdir -p "$work/spool" "$work/sent" "$work/quarantine"
export LC_ALL=C
CTL="$top_builddir/portcullisctl"
port=$(pcw_free_port)
base="http://127.0.0.1:$port"
pcw_keep_sendmail
common=(-o "quarantine.quarantine_dir=$work/quarantine" -o "quarantine.release_key_file=$work/release.key"
	-o "history.dir=$work/history" -o "notify.sendmail_path=$work/keep.sh"
	-o "milter.control_socket=$work/control.sock" -o "web.users_file=$work/users"
	-o "web.audit_log=$work/web/audit.log" -o "web.digest_optout_file=$work/web/optout"
	-o "spam.allow_senders_file=$work/lists/allow" -o "spam.block_senders_file=$work/lists/block"
	-o "spam.bayes_dir=$work/bayes" -o "web.static_dir=$top_srcdir/web/ui"
	-o "web.base_url=https://console.example")

pc_start_milter "$work" "unix:$work/milter.sock" -o policy.block=infected,spam \
	-o policy.block_action=quarantine -o "quarantine.quarantine_dir=$work/quarantine" \
	-o spam.block_senders=spammer@bad.example -o "notify.sendmail_path=$work/keep.sh"
feed() { # qid sender rcpts file
	miltertest -s "$top_srcdir/tests/web/feed.lua" -D SOCKET="unix:$work/milter.sock" \
		-D TESTDIR="$top_srcdir/tests/milter" -D QID="$1" -D SENDER="$2" -D RCPTS="$3" \
		-D MSG="$4" >> "$work/mt.out" 2>&1
}
printf 'From: sender@example.org\r\nSubject: invoice\r\n\r\n%s\r\n' \
	'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$work/virus.eml"
printf 'From: spammer@bad.example\r\nSubject: cheap pills\r\n\r\nbuy now\r\n' > "$work/spam.eml"
printf 'From: friend@example.org\r\nSubject: lunch\r\n\r\nsee you at noon\r\n' > "$work/clean.eml"
feed V1 sender@example.org rcpt@example.net "$work/virus.eml" &&
	feed S1 spammer@bad.example boss@other.example,rcpt@example.net "$work/spam.eml" &&
	feed S2 spammer@bad.example boss@other.example "$top_srcdir/tests/web/hostile.eml" &&
	feed C1 friend@example.org rcpt@example.net "$work/clean.eml" &&
	[ "$(ls "$work/quarantine"/*.meta | wc -l)" = 3 ]
pc_result $? "the milter quarantined the virus and the two spam messages, and passed the clean one"

printf 'a long password\n' | "$CTL" -c /dev/null "${common[@]}" web-user add root admin > /dev/null &&
	printf 'another long one\n' | "$CTL" -c /dev/null "${common[@]}" web-user add partner domain \
		other.example > /dev/null
pcw_serve -c /dev/null "${common[@]}" -o "web.listen=127.0.0.1:$port"
trap 'kill $wpid 2>/dev/null; pc_stop_milter "$work" > /dev/null 2>&1' EXIT
login() { # jar name password: the CSRF token in $work/JAR.csrf
	req "$1-login" -c "$work/$1.jar" --data-urlencode "name=$2" --data-urlencode "password=$3" \
		"$base/api/login" && json "$1-login" 'd["csrf"]' > "$work/$1.csrf"
}
get() { req "$1" -b "$work/$2.jar" "$base$3"; }
post() { # name jar path json
	req "$1" -b "$work/$2.jar" -H "X-CSRF-Token: $(cat "$work/$2.csrf")" \
		-H 'Content-Type: application/json' --data "$4" "$base$3"
}
login root root 'a long password' && login p partner 'another long one'
get me p "/api/me"
[ "$(json me 'd["user"], d["role"], d["domains"], d["csrf"]')" = "partner domain ['other.example'] $(cat "$work/p.csrf")" ]
pc_result $? "portcullis-web started; both logged in; /api/me gives the page back its user, role, domains and CSRF token"

get trace root "/api/history?queue_id=S1"
[ "$(json trace 'd[0]["status"], d[0]["action"], d[0]["spam_score"], d[0]["spam_tests"], d[0]["quarantine_id"] != ""')" = \
	"spam quarantine 100.0 USER_IN_BLOCKLIST True" ] &&
	[ "$(json trace 'd[0]["ms"] > 0')" = True ]
pc_result $? "the trace has a block-listed sender's message as the log line does: spam, 100.0, USER_IN_BLOCKLIST, its quarantine id, its time"

get all root "/api/quarantine"
vid=$(json all '[e["id"] for e in d["entries"] if e["status"] == "infected"][0]')
s1=$(json all '[e["id"] for e in d["entries"] if "-S1-" in e["id"]][0]')
s2=$(json all '[e["id"] for e in d["entries"] if "-S2-" in e["id"]][0]')
get page root "/api/quarantine?limit=2"
get page2 root "/api/quarantine?limit=2&offset=2"
get filt root "/api/quarantine?status=spam&rcpt=RCPT@example.net"
[ "$(code all)" = 200 ] && [ "$(json all 'len(d["entries"])')" = 3 ] &&
	[ "$(json all 'd["entries"][0]["id"] > d["entries"][2]["id"]')" = True ] &&
	[ "$(json page 'len(d["entries"]), d["more"]')" = "2 True" ] &&
	[ "$(json page2 'len(d["entries"]), d["more"]')" = "1 False" ] &&
	[ "$(json filt '[e["id"] for e in d["entries"]]')" = "['$s1']" ]
pc_result $? "an administrator lists all 3 entries newest first, in pages, and filters by status and recipient"

get plist p "/api/quarantine"
get pvirus p "/api/quarantine/$vid"
get pprev p "/api/quarantine/$vid/preview"
get pdown p "/api/quarantine/$vid/download"
post prel p "/api/quarantine/$vid/release" '{}'
[ "$(json plist 'sorted(e["id"] for e in d["entries"])')" = "['$s1', '$s2']" ] &&
	[ "$(code pvirus)" = 404 ] && [ "$(code pprev)" = 404 ] && [ "$(code pdown)" = 404 ] &&
	[ "$(code prel)" = 404 ] && [ -e "$work/quarantine/$vid.eml" ]
pc_result $? "the domain administrator lists only other.example's 2; the virus to example.net is 404 to it (detail, preview, download, release)"

get detail root "/api/quarantine/$vid"
[ "$(code detail)" = 200 ] && [ "$(json detail 'd["subject"]')" = invoice ] &&
	json detail 'd["findings"]' | grep -q Eicar-Test-Signature &&
	[ "$(json detail 'd["objects"][0]["status"]')" = infected ] &&
	[ "$(json detail '[h["value"] for h in d["headers"] if h["name"] == "From"][0]')" = sender@example.org ] &&
	[ "$(json detail 'd["client_address"]')" = 192.0.2.1 ]
pc_result $? "detail: subject, findings, object tree, header fields and client of the entry"

get hostile p "/api/quarantine/$s2/preview"
get hdetail p "/api/quarantine/$s2"
text=$(json hostile 'd["text"]')
subject=$(json hdetail 'd["subject"]')
[ "$(code hostile)" = 200 ] && echo "$text" | grep -q "claim your prize" &&
	echo "$text" | grep -q "Click here to claim" && ! echo "$text" | grep -qi "script\|<img\|javascript:\|onerror\|exfil\|hidden text" &&
	[ "$subject" = "Win <script>alert(1)</script> <U+202E>gpj.exe" ]
pc_result $? "the preview of hostile HTML is its visible text only (no script, image, link target, style or hidden text); the subject's RTL override is shown, not obeyed"

get down root "/api/quarantine/$vid/download"
[ "$(code down)" = 200 ] && cmp -s "$work/down.body" "$work/quarantine/$vid.eml" &&
	grep -qi "^content-type: application/octet-stream" "$work/down.head" &&
	grep -qi "^content-disposition: attachment; filename=\"$vid.eml\"" "$work/down.head"
pc_result $? "download: the stored bytes, as an attachment (application/octet-stream)"

get getrel root "/api/quarantine/$s1/release"
req nocsrf -b "$work/root.jar" -H 'Content-Type: application/json' --data '{}' "$base/api/quarantine/$s1/delete"
post form root "/api/quarantine/$s1/delete" ''
req formtype -b "$work/root.jar" -H "X-CSRF-Token: $(cat "$work/root.csrf")" --data 'x=1' "$base/api/quarantine/$s1/delete"
[ "$(code getrel)" = 404 ] && [ "$(code nocsrf)" = 403 ] && [ "$(code formtype)" = 415 ] &&
	[ -z "$(ls "$work/sent")" ] && [ -e "$work/quarantine/$s1.eml" ]
pc_result $? "a GET of an action, a POST without the CSRF token or not as JSON change nothing (404, 403, 415)"

post pout p "/api/quarantine/$s1/release" '{"to": ["rcpt@example.net"]}'
post pdel p "/api/quarantine/$s1/delete" '{}'
[ "$(code pout)" = 403 ] && [ "$(code pdel)" = 403 ] && [ -z "$(ls "$work/sent")" ] &&
	[ -e "$work/quarantine/$s1.eml" ]
pc_result $? "the domain administrator may not release to example.net, nor delete a message example.net also got (403)"

post prel1 p "/api/quarantine/$s1/release" '{}'
[ "$(code prel1)" = 200 ] && [ "$(cat "$work/sent/0.args")" = "-i -f spammer@bad.example -- boss@other.example" ] &&
	grep -q "^X-Portcullis-Release: id=$s1" "$work/sent/0.eml" &&
	grep -q "^released=.* to boss@other.example$" "$work/quarantine/$s1.meta"
pc_result $? "the domain administrator releases to its own recipient only: delivered with a release mark, recorded"

post rel2 root "/api/quarantine/$s1/release" '{"to": ["helpdesk@example.net"]}'
[ "$(code rel2)" = 200 ] && [ "$(cat "$work/sent/1.args")" = "-i -f spammer@bad.example -- helpdesk@example.net" ]
pc_result $? "an administrator releases to another address"

post learn root "/api/quarantine/$s1/learn" '{"class": "spam"}'
post badclass root "/api/quarantine/$s1/learn" '{"class": "eggs"}'
[ "$(code learn)" = 200 ] && [ "$(code badclass)" = 400 ] &&
	"$CTL" -c /dev/null "${common[@]}" stats 2>/dev/null | grep -q "^bayes .*: 1 spam, 0 ham learned"
pc_result $? "learn as spam: the Bayes store has it; an unknown class is 400"

post bulk root "/api/quarantine/bulk" "{\"action\": \"delete\", \"ids\": [\"$vid\", \"20990101T000000-NONE-00000000\", \"../etc\"]}"
[ "$(code bulk)" = 200 ] && [ "$(json bulk '[r["ok"] for r in d["results"]]')" = "[True, False, False]" ] &&
	[ ! -e "$work/quarantine/$vid.eml" ] && [ "$(code "$(get gone root "/api/quarantine/$vid"; echo gone)")" = 404 ]
pc_result $? "bulk delete: the entry goes, unknown and malformed ids fail each on their own"

post pbulk p "/api/quarantine/bulk" "{\"action\": \"delete\", \"ids\": [\"$s1\", \"$s2\"]}"
[ "$(json pbulk '[r["ok"] for r in d["results"]]')" = "[False, True]" ] && [ -e "$work/quarantine/$s1.eml" ] &&
	[ ! -e "$work/quarantine/$s2.eml" ]
pc_result $? "a domain administrator's bulk delete removes only what is wholly its domains'"

post addblock root "/api/lists" '{"list": "block", "op": "add", "mask": "*@spam.example"}'
post addre root "/api/lists" '{"list": "allow", "op": "add", "mask": "re:.*"}'
post addfile root "/api/lists" '{"list": "allow", "op": "add", "mask": "file:/etc/shadow"}'
post again root "/api/lists" '{"list": "block", "op": "add", "mask": "*@SPAM.example"}'
get lists root "/api/lists"
[ "$(code addblock)" = 200 ] && [ "$(json addblock 'd["reloaded"]')" = True ] &&
	[ "$(code addre)" = 400 ] && [ "$(code addfile)" = 400 ] && [ "$(code again)" = 409 ] &&
	[ "$(json lists 'd["block"], d["allow"]')" = "['*@spam.example'] []" ] &&
	grep -q '^\*@spam.example$' "$work/lists/block" && pc_wait_log "$work/milter.log" "policy reloaded: " 1
pc_result $? "an administrator adds to the block list: the file has it, the daemon reloaded; re:, file: and duplicates are refused"

printf 'From: x@spam.example\r\nSubject: offer\r\n\r\nhello\r\n' > "$work/spam2.eml"
feed S3 x@spam.example rcpt@example.net "$work/spam2.eml"
post delblock root "/api/lists" '{"list": "block", "op": "remove", "mask": "*@spam.example"}'
post plist p "/api/lists" '{"list": "allow", "op": "add", "mask": "friend@x.example"}'
get plists p "/api/lists"
grep -q "S3: .*action=quarantine.*USER_IN_BLOCKLIST" "$work/milter.log" && [ "$(code delblock)" = 200 ] &&
	! grep -q 'spam.example' "$work/lists/block" && [ "$(code plist)" = 403 ] && [ "$(code plists)" = 403 ]
pc_result $? "the daemon applies the list at once (S3 quarantined); removal works; a domain administrator gets 403"

get audit root "/api/audit"
get paudit p "/api/audit"
[ "$(code audit)" = 200 ] && [ "$(code paudit)" = 403 ] &&
	[ "$(json audit '[(e["user"], e["action"], e["result"]) for e in reversed(d)]')" = "[('partner', 'release', 'you may release only to its recipients in your domains'), ('partner', 'delete', 'it has recipients outside your domains'), ('partner', 'release', 'ok'), ('root', 'release', 'ok'), ('root', 'spam', 'ok'), ('root', 'delete', 'ok'), ('partner', 'delete', 'it has recipients outside your domains'), ('partner', 'delete', 'ok'), ('root', 'list add', 'ok'), ('root', 'list add', 'already on the list'), ('root', 'list remove', 'ok')]" ] &&
	[ "$(json audit 'd[0]["user"], d[0]["action"], d[0]["what"], d[0]["result"]')" = "root list remove block *@spam.example ok" ] &&
	[ "$(wc -l < "$work/web/audit.log")" = 11 ]
pc_result $? "the audit log has every release, deletion, learning and list change with who and the result; 403 to a domain administrator"

get stats root "/api/stats?hours=24"
get pstats p "/api/stats"
[ "$(code stats)" = 200 ] && [ "$(json stats 'len(d["series"])')" = 48 ] &&
	[ "$(json stats 'sum(b["quarantine"] for b in d["series"]), sum(b["accept"] for b in d["series"])')" = "4 1" ] &&
	[ "$(json stats 'd["by_status"]["spam"], d["by_status"]["infected"]')" = "3 1" ] &&
	[ "$(json stats '[(t["name"], t["count"]) for t in d["top_detections"]]')" = "[('Eicar-Test-Signature.UNOFFICIAL', 1)]" ] &&
	[ "$(json stats 'd["top_senders"][0]')" = "{'name': 'spammer@bad.example', 'count': 2}" ] &&
	[ "$(json stats 'd["daemon"]["messages_quarantine"]')" = 4 ] &&
	[ "$(json stats 'd["database"]["signatures"] > 0')" = True ] &&
	[ "$(json pstats 'd["by_status"], d["daemon"]')" = "{'spam': 2} None" ]
pc_result $? "statistics: 48 buckets by action, by status, top detections and senders, the daemon's counters and database; a domain administrator gets its own and no daemon counters"

# Recipients' links, from the digest: rcpt@example.net has S1 (released to
# others) and S3 quarantined; S1 was released to boss@other.example.
"$CTL" -c /dev/null "${common[@]}" digest --dry-run > "$work/dry.out" 2>&1
n=$(ls "$work/sent" | grep -c eml)
"$CTL" -c /dev/null "${common[@]}" digest > "$work/digest.out" 2>&1
digest="$work/sent/$n.eml"
link=$(/usr/bin/python3 - "$digest" <<'PY'
import base64, email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for word in m.get_payload(decode=True).decode().split():
    if "#/link/" in word:
        payload = word.split("#/link/")[1].split(".")[0]
        if "-S3-" in base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode():
            print(word)
PY
)
token=${link#https://console.example/#/link/}
[ "$(cat "$work/dry.out")" = "rcpt@example.net: 2 entries
1 digests (dry run)" ] && [ "$(cat "$work/sent/$n.args")" = "-i -f <> -- rcpt@example.net" ] &&
	grep -q "^Subject: Quarantined mail for you: 2 messages$" "$digest" && grep -q "^Auto-Submitted: auto-generated" "$digest" &&
	[ -n "$token" ] && [ "$token" != "$link" ]
pc_result $? "portcullisctl digest mails rcpt@example.net its 2 links, boss@other.example none (S1 was released to it)"

s3=$(ls "$work/quarantine" | sed -n 's/\(.*-S3-.*\)\.meta$/\1/p')
sent_before=$(ls "$work/sent" | grep -c eml)
req show "$base/api/link?t=$token"
req getrel "$base/api/link/release?t=$token"
[ "$(code show)" = 200 ] && [ "$(json show 'd["id"], d["recipient"], d["sender"], d["subject"], d["released"]')" = "$s3 rcpt@example.net x@spam.example offer False" ] &&
	[ "$(code getrel)" = 404 ] && [ "$(ls "$work/sent" | grep -c eml)" = "$sent_before" ] && ! grep -q "^released" "$work/quarantine/$s3.meta"
pc_result $? "following the link shows the message and releases nothing (a GET of release neither)"

other=$(/usr/bin/python3 - "$token" "$s3" "$s1" <<'PY'
import base64, sys
token, mine, theirs = sys.argv[1:]
payload, mac = token.split(".")
text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
forged = base64.urlsafe_b64encode(text.replace(mine, theirs).encode()).decode().rstrip("=")
print(forged + "." + mac)
PY
)
req forged -H 'Content-Type: application/json' --data "{\"t\": \"$other\"}" "$base/api/link/release"
req cut -H 'Content-Type: application/json' --data "{\"t\": \"${token%?}\"}" "$base/api/link/release"
req nojson --data "t=$token" "$base/api/link/release"
[ "$(code forged)" = 403 ] && [ "$(code cut)" = 403 ] && [ "$(code nojson)" = 415 ] &&
	[ "$(ls "$work/sent" | grep -c eml)" = "$sent_before" ]
pc_result $? "a link altered to name another message, or cut short, is refused (403); a form POST is refused (415)"

req rel -H 'Content-Type: application/json' --data "{\"t\": \"$token\"}" "$base/api/link/release"
req rel2 -H 'Content-Type: application/json' --data "{\"t\": \"$token\"}" "$base/api/link/release"
[ "$(code rel)" = 200 ] && [ "$(cat "$work/sent/$sent_before.args")" = "-i -f x@spam.example -- rcpt@example.net" ] &&
	grep -q "^X-Portcullis-Release: id=$s3" "$work/sent/$sent_before.eml" && [ "$(code rel2)" = 409 ] &&
	grep -q '"user":"recipient rcpt@example.net","action":"release"' "$work/web/audit.log"
pc_result $? "a POST of the link releases to that recipient only, once; the audit log says so"

req optout -H 'Content-Type: application/json' --data "{\"t\": \"$token\"}" "$base/api/link/optout"
printf 'From: x@spam.example\r\nSubject: more\r\n\r\nhello again\r\n' > "$work/spam3.eml"
feed S4 spammer@bad.example rcpt@example.net,boss@other.example "$work/spam3.eml"
"$CTL" -c /dev/null "${common[@]}" digest --dry-run > "$work/dry2.out" 2>&1
[ "$(code optout)" = 200 ] && [ "$(cat "$work/web/optout")" = rcpt@example.net ] &&
	[ "$(cat "$work/dry2.out")" = "boss@other.example: 1 entries
1 digests (dry run)" ]
pc_result $? "a recipient who opts out gets no more digests; the other recipient of new spam does"

printf 'a third password\n' | "$CTL" -c /dev/null "${common[@]}" web-user add helper domain example.net > /dev/null &&
	"$CTL" -c /dev/null "${common[@]}" web-user delete partner > /dev/null
login h helper 'a third password'
get gonep p "/api/quarantine"
[ "$(code h-login)" = 200 ] && [ "$(code gonep)" = 401 ]
pc_result $? "portcullisctl web-user takes effect at once: a new account logs in, a deleted one's session ends (401)"
for i in 1 2 3 4 5; do
	req "xff$i" -H 'X-Forwarded-For: 203.0.113.9, 198.51.100.7' --data-urlencode "name=ghost$i" \
		--data-urlencode "password=wrong" "$base/api/login"
done
req xfflocked -H 'X-Forwarded-For: 198.51.100.7' --data-urlencode "name=root" \
	--data-urlencode "password=a long password" "$base/api/login"
req xffother -H 'X-Forwarded-For: 198.51.100.8' -H 'X-Forwarded-Proto: https' \
	--data-urlencode "name=root" --data-urlencode "password=a long password" "$base/api/login"
[ "$(code xfflocked)" = 401 ] && [ "$(code xffother)" = 200 ] &&
	grep -qi "^set-cookie: pcw_session=.*; Secure" "$work/xffother.head" &&
	! grep -qi "^set-cookie: .*Secure" "$work/root-login.head"
pc_result $? "behind a local reverse proxy: failed logins count per forwarded address; X-Forwarded-Proto: https makes the cookie Secure"
# Failures refuse, never half-act: a second console whose audit log cannot
# be opened (it is a directory) and whose sendmail fails.
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
s4=$(ls "$work/quarantine" | sed -n 's/\(.*-S4-.*\)\.meta$/\1/p')
sent_now=$(ls "$work/sent" | grep -c eml)
pcw_serve -c /dev/null "${common[@]}" -o "web.listen=127.0.0.1:$port" -o "web.audit_log=$work/quarantine" \
	-o notify.sendmail_path=/bin/false -o "history.dir=$work/no/such/dir"
login root2 root 'a long password'
post noaudit root2 "/api/quarantine/$s4/release" '{}'
post nodelete root2 "/api/quarantine/$s4/delete" '{}'
get nohist root2 "/api/history"
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
pcw_serve -c /dev/null "${common[@]}" -o "web.listen=127.0.0.1:$port" -o notify.sendmail_path=/bin/false
login root3 root 'a long password'
post nosend root3 "/api/quarantine/$s4/release" '{}'
[ "$(code noaudit)" = 500 ] && json noaudit 'd["error"]' | grep -q "audit log" && [ "$(code nodelete)" = 500 ] &&
	[ -e "$work/quarantine/$s4.eml" ] && [ "$(code nohist)" = 500 ] &&
	[ "$(json nohist 'd["error"]')" = "the message history cannot be read" ] &&
	[ "$(code nosend)" = 409 ] && json nosend 'd["error"]' | grep -q "/bin/false" &&
	! grep -q "^released" "$work/quarantine/$s4.meta" && [ "$(ls "$work/sent" | grep -c eml)" = "$sent_now" ] &&
	tail -1 "$work/web/audit.log" | grep -q '"action":"release".*"result":".*/bin/false'
pc_result $? "an audit log that cannot be written refuses every action (500); a failed delivery is 409, not marked released, and audited; no history is a clear 500"
echo "1..$PC_N"
