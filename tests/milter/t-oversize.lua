-- Above max_message_size (64K here) nothing is scanned or held: the default
-- oversize_action accepts with X-Virus-Status: Unscanned (size).
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "HUGE1")
t.body(conn, string.rep("x", 70000) .. "\r\n")
t.expect_accepted(conn, "Unscanned (size)")
mt.disconnect(conn)
