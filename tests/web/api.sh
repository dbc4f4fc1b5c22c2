#!/bin/bash
# portcullis-web's API (web/api.h) over HTTP with curl, on a message trace
# the milter wrote: 3 clean + 1 infected to rcpt@example.net, 1 to
# boss@other.example.  Login sets an HttpOnly SameSite=Strict cookie and
# gives a CSRF token; without the cookie everything is 401; a wrong
# password is 401 and the sixth try is locked out even with the right
# one; an admin sees all 5 records, a domain administrator of
# other.example only its one, and another's record is 404; a GET never
# changes state (logout by GET does nothing); POST without or with a
# wrong X-CSRF-Token is 403; logout ends the session; answers carry
# Content-Security-Policy, nosniff and no-store; a non-loopback listen
# address is refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/web/lib.sh"
work=$(pc_workdir web-api)
mkdir -p "$work/spool"
export LC_ALL=C
W="$top_builddir/portcullis-web"
port=$(pcw_free_port)
base="http://127.0.0.1:$port"

# The trace: the milter writes it; other.example's message first, so that
# it is the oldest record.
pc_start_milter "$work" "unix:$work/milter.sock"
cat > "$work/other.lua" <<'LUA'
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local conn = t.connect()
t.ok(mt.macro(conn, SMFIC_MAIL, "i", "O1"), "macro")
t.ok(mt.mailfrom(conn, "<partner@partner.example>"), "mailfrom")
t.ok(mt.rcptto(conn, "<boss@other.example>"), "rcptto")
t.ok(mt.header(conn, "Subject", "other"), "header")
t.body(conn, "hello\r\n")
t.expect_accepted(conn, "Clean")
mt.disconnect(conn)
LUA
miltertest -s "$work/other.lua" -D SOCKET="unix:$work/milter.sock" -D TESTDIR="$top_srcdir/tests/milter" \
	> "$work/mt.out" 2>&1
miltertest -s "$top_srcdir/tests/milter/send-3-clean-1-infected.lua" -D SOCKET="unix:$work/milter.sock" \
	-D TESTDIR="$top_srcdir/tests/milter" >> "$work/mt.out" 2>&1
pc_stop_milter "$work"
pc_result $? "the milter wrote the trace of 5 messages and stopped"

printf 'a long password\n' | "$top_builddir/portcullisctl" -c /dev/null -o "web.users_file=$work/users" \
	web-user add root admin &&
	printf 'another long one\n' | "$top_builddir/portcullisctl" -c /dev/null \
		-o "web.users_file=$work/users" web-user add partner domain other.example
pcw_serve -c /dev/null -o "web.users_file=$work/users" -o "history.dir=$work/history" \
	-o "web.listen=127.0.0.1:$port"
trap 'kill $wpid 2>/dev/null' EXIT

req anon "$base/api/history"
[ "$(code anon)" = 401 ] && grep -qi "^content-security-policy: default-src 'none'" "$work/anon.head" &&
	grep -qi "^x-content-type-options: nosniff" "$work/anon.head" && grep -qi "^cache-control: no-store" "$work/anon.head"
pc_result $? "no session: 401, with Content-Security-Policy, nosniff and no-store"

req login -c "$work/root.jar" --data-urlencode "name=root" --data-urlencode "password=a long password" "$base/api/login"
csrf=$(json login 'd["csrf"]')
[ "$(code login)" = 200 ] && [ ${#csrf} = 64 ] && grep -qi "^set-cookie: pcw_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict" "$work/login.head"
pc_result $? "login: 200, an HttpOnly SameSite=Strict session cookie and a CSRF token"

req all -b "$work/root.jar" "$base/api/history"
[ "$(code all)" = 200 ] && [ "$(json all 'len(d)')" = 5 ] && [ "$(json all 'd[0]["action"]')" = reject ] &&
	[ "$(json all 'd[4]["recipients"][0]')" = boss@other.example ]
pc_result $? "an admin sees all 5 records, newest first"
req filt -b "$work/root.jar" "$base/api/history?status=infected"
[ "$(code filt)" = 200 ] && [ "$(json filt "len(d)")" = 1 ] && [ "$(json filt "d[0][\"status\"]")" = infected ]
pc_result $? "filters apply (status=infected: 1)"
id=$(json all 'd[0]["id"]')

req plogin -c "$work/p.jar" --data-urlencode "name=partner" --data-urlencode "password=another long one" "$base/api/login"
req pall -b "$work/p.jar" "$base/api/history?limit=1"
req pother -b "$work/p.jar" "$base/api/history/$id"
[ "$(code pall)" = 200 ] && [ "$(json pall 'len(d)')" = 1 ] && [ "$(json pall 'd[0]["queue_id"]')" = O1 ] &&
	[ "$(code pother)" = 404 ]
pc_result $? "a domain administrator sees only other.example's record (limit=1 finds it, the oldest); another's is 404"

req getout -b "$work/root.jar" "$base/api/logout"
req still -b "$work/root.jar" "$base/api/history/$id"
req nocsrf -b "$work/root.jar" -X POST "$base/api/logout"
req badcsrf -b "$work/root.jar" -H "X-CSRF-Token: $(printf '%064d' 0)" -X POST "$base/api/logout"
req still2 -b "$work/root.jar" "$base/api/history/$id"
[ "$(code getout)" = 404 ] && [ "$(code still)" = 200 ] && [ "$(code nocsrf)" = 403 ] &&
	[ "$(code badcsrf)" = 403 ] && [ "$(code still2)" = 200 ]
pc_result $? "a GET changes nothing; a POST without or with a wrong X-CSRF-Token is 403"
req out -b "$work/root.jar" -H "X-CSRF-Token: $csrf" -X POST "$base/api/logout"
req after -b "$work/root.jar" "$base/api/history"
[ "$(code out)" = 200 ] && [ "$(code after)" = 401 ]
pc_result $? "logout with the CSRF token ends the session"

r=0
for i in 1 2 3 4 5; do
	req bad -c /dev/null --data-urlencode "name=root" --data-urlencode "password=guess$i" "$base/api/login"
	[ "$(code bad)" = 401 ] || r=1
done
req locked --data-urlencode "name=root" --data-urlencode "password=a long password" "$base/api/login"
[ $r = 0 ] && [ "$(code locked)" = 401 ] && grep -q "too many failed logins" "$work/locked.body"
pc_result $? "5 wrong passwords: 401; then the right one is refused too (locked out)"
kill $wpid; wait $wpid 2>/dev/null

"$W" -c /dev/null -o "web.users_file=$work/users" -o web.listen=0.0.0.0:$port > "$work/any.log" 2>&1
[ $? = 1 ] && grep -q "not a loopback" "$work/any.log"
pc_result $? "a non-loopback listen address is refused"

# TLS: a self-signed certificate for 127.0.0.1; only HTTPS is spoken, the
# cookie is Secure, HSTS is sent; a key that is not the certificate's stops
# the start with a reason.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout "$work/key.pem" \
	-out "$work/cert.pem" > "$work/openssl.log" 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$work/other.pem" \
	-out /dev/null >> "$work/openssl.log" 2>&1
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
tport=$(pcw_free_port)
tls=(-c /dev/null -o "web.users_file=$work/users" -o "history.dir=$work/history"
	-o "web.listen=127.0.0.1:$tport" -o "web.tls_cert=$work/cert.pem")
pcw_serve "${tls[@]}" -o "web.tls_key=$work/key.pem"
req tlslogin --cacert "$work/cert.pem" --data-urlencode "name=root" \
	--data-urlencode "password=a long password" "https://127.0.0.1:$tport/api/login"
req plain "http://127.0.0.1:$tport/api/history"
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null
"$top_builddir/portcullis-web" "${tls[@]}" -o "web.tls_key=$work/other.pem" > "$work/badkey.log" 2>&1
badkey=$?
[ "$(code tlslogin)" = 200 ] && grep -qi "^set-cookie: pcw_session=.*; Secure" "$work/tlslogin.head" &&
	grep -qi "^strict-transport-security: max-age=" "$work/tlslogin.head" && [ "$(code plain)" != 200 ] &&
	grep -q "serving on https://127.0.0.1:$tport" "$work/web.log" && [ $badkey = 1 ] &&
	grep -q "cannot listen on 127.0.0.1:$tport with TLS" "$work/badkey.log"
pc_result $? "with tls_cert and tls_key: HTTPS only, a Secure cookie and HSTS; a key that does not match refuses to start"
echo "1..$PC_N"
