-- group_conflict = strictest: recipients of two groups in one message get
-- the most protective outcome of both (sales rejects the .exe, the default
-- would only replace it), and the log names both groups.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
local replies = t.envelope(conn, "STRICT1", { "bob@other.test", "ann@sales.test" })
if replies[1] ~= SMFIR_CONTINUE or replies[2] ~= SMFIR_CONTINUE then
  t.fail("recipients not accepted")
end
t.content(conn, "STRICT1", t.exe_body())
t.expect_reply(conn, "550", "5.7.1", "Message rejected: filtered: name:*.exe (tool.exe)")
t.logged("group=sales(strictest of default,sales) ")

-- Only the default group: the notice.
replies = t.envelope(conn, "STRICT2", { "bob@other.test" })
t.content(conn, "STRICT2", t.exe_body())
t.expect_accepted(conn, "Filtered (name:*.exe), 1 attachment replaced")
mt.disconnect(conn)
