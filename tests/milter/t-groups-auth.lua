-- authenticated = yes: the MTA's {auth_authen} macro (a SASL login) puts the
-- message in group submission, which does not filter attachments; the same
-- message from a client without a login gets the default filter.  Every
-- message is also kept in archive_dir.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.ok(mt.macro(conn, SMFIC_MAIL, "i", "AUTH1", "{auth_authen}", "ann"), "macro")
t.ok(mt.mailfrom(conn, "<ann@example.org>"), "mailfrom")
t.ok(mt.rcptto(conn, "<bob@example.net>"), "rcptto")
t.content(conn, "AUTH1", t.exe_body())
t.expect_accepted(conn, "Clean")
t.logged("group=submission ")

t.ok(mt.macro(conn, SMFIC_MAIL, "i", "AUTH2"), "macro")
t.ok(mt.mailfrom(conn, "<ann@example.org>"), "mailfrom")
t.ok(mt.rcptto(conn, "<bob@example.net>"), "rcptto")
t.content(conn, "AUTH2", t.exe_body())
t.expect_accepted(conn, "Filtered (name:*.exe), 1 attachment replaced")
t.logged("group=default ")
mt.disconnect(conn)

local ls = io.popen("ls " .. WORKDIR .. "/archive/*.eml | wc -l")
local n = tonumber(ls:read("*l"))
ls:close()
if n ~= 2 then t.fail("expected 2 archived messages, found " .. tostring(n)) end
