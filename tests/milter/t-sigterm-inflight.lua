-- SIGTERM while a message is in flight: the daemon stops accepting new
-- connections, but the message already started still gets its verdict.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "INFLIGHT1")
t.body(conn, "first half of the message\r\n")
local f = assert(io.open(WORKDIR .. "/milter.pid"))
local pid = f:read("*l")
f:close()
os.execute("kill -TERM " .. pid)
mt.sleep(0.5)
t.body(conn, "second half, sent after SIGTERM\r\n")
t.expect_accepted(conn, "Clean")
mt.disconnect(conn)
