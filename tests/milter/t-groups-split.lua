-- group_conflict = split: a recipient in another group than the first is
-- deferred with 452 4.5.3, and each transaction gets its own group's policy:
-- sales.test refuses the .exe, the default replaces it with a notice.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
local replies = t.envelope(conn, "SPLIT1", { "ann@sales.test", "bob@other.test",
                                             "cid@sales.test" })
if replies[1] ~= SMFIR_CONTINUE or replies[3] ~= SMFIR_CONTINUE then
  t.fail("sales.test recipients not accepted")
end
if replies[2] ~= SMFIR_REPLYCODE then
  t.fail("other group's recipient not deferred: reply " .. tostring(replies[2]))
end
t.logged("to=<bob@other.test> deferred: group default differs from the first " ..
         "recipient's sales (group_conflict = split)")
t.content(conn, "SPLIT1", t.exe_body())
t.expect_reply(conn, "550", "5.7.1", "Message rejected: filtered: name:*.exe (tool.exe)")
t.logged("group=sales ")

-- The client's retry for the deferred recipient: the default policy.
replies = t.envelope(conn, "SPLIT2", { "bob@other.test" })
if replies[1] ~= SMFIR_CONTINUE then t.fail("retried recipient not accepted") end
t.content(conn, "SPLIT2", t.exe_body())
t.expect_accepted(conn, "Filtered (name:*.exe), 1 attachment replaced")
t.logged("group=default ")
mt.disconnect(conn)
