#!/bin/bash
# portcullisctl web-user: accounts of the web console in [web] users_file.
# add writes NAME:HASH:ROLE[:DOMAINS] with a yescrypt hash of the password
# read from standard input (checked with Python's crypt), mode 0600;
# list shows no hashes; passwd changes only the hash; delete removes the
# line; short passwords, hostile names and domains, duplicate names and a
# broken file are refused and change nothing.
. "$top_srcdir/tests/lib.sh"
work=$(pc_workdir web-user)
f="$work/users"
rm -f "$f"
C() { "$top_builddir/portcullisctl" -c /dev/null -o "web.users_file=$f" "$@"; }
check_hash() { # name password
	/usr/bin/python3 -W ignore -c 'import crypt, sys
for line in open(sys.argv[1]):
    name, h = line.split(":")[:2]
    if name == sys.argv[2]:
        sys.exit(0 if h.startswith("$y$") and crypt.crypt(sys.argv[3], h) == h else 1)
sys.exit(1)' "$f" "$1" "$2"
}

echo "a long password" | C web-user add root admin &&
	echo "sales password" | C web-user add sales domain sales.example,eu.example &&
	[ "$(stat -c %a "$f")" = 600 ] && check_hash root "a long password" &&
	check_hash sales "sales password" && grep -q "^sales:\$y\$[^:]*:domain:sales.example,eu.example$" "$f"
pc_result $? "add: yescrypt hashes of the passwords from stdin, roles and domains, mode 0600"
C web-user list > "$work/list" && grep -q "^root  *admin" "$work/list" &&
	grep -q "^sales  *domain  *sales.example,eu.example" "$work/list" && ! grep -q '\$y\$' "$work/list"
pc_result $? "list: names, roles, domains and no hashes"
cp "$f" "$work/before"
r=0
echo "short" | C web-user add x admin 2> /dev/null && r=1
echo "a long password" | C web-user add root admin 2> /dev/null && r=1
echo "a long password" | C web-user add 'evil:x' admin 2> /dev/null && r=1
echo "a long password" | C web-user add $'evil\nroot' admin 2> /dev/null && r=1
echo "a long password" | C web-user add y domain $'x.example\nroot:$y$x:admin' 2> /dev/null && r=1
echo "a long password" | C web-user add z boss 2> /dev/null && r=1
cmp -s "$f" "$work/before" || r=1
pc_result $r "refused, the file unchanged: a short password, an existing name, hostile names and domains, an unknown role"
echo "a new long password" | C web-user passwd sales && check_hash sales "a new long password" &&
	! check_hash sales "sales password" && check_hash root "a long password"
pc_result $? "passwd: a new hash for that account only"
C web-user delete root && ! grep -q "^root:" "$f" && grep -q "^sales:" "$f"
pc_result $? "delete: the line goes"
echo "broken line" >> "$f"
cp "$f" "$work/broken"
! echo "a long password" | C web-user add w admin 2> "$work/err" && grep -q "users:2: want NAME:HASH:ROLE" "$work/err" &&
	cmp -s "$f" "$work/broken"
pc_result $? "a broken file is refused with FILE:LINE and left as it is"
echo "1..$PC_N"
