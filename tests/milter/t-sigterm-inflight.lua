-- SIGTERM while a message is in flight: the daemon stops accepting new
-- connections, but serves the open one until the MTA closes it: the message
-- already started still gets its verdict, and one started after the signal
-- a 451 (the MTA retries it), not a dropped connection.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

-- All steps but SMFIP_NR_MAIL (0x4000): MAIL FROM waits for its reply, so
-- the message is in flight on the daemon's side before the signal.
local conn = t.connect(0x1FFFFF - 0x4000)
t.start(conn, "INFLIGHT1")
t.body(conn, "first half of the message\r\n")
local f = assert(io.open(WORKDIR .. "/milter.pid"))
local pid = f:read("*l")
f:close()
os.execute("kill -TERM " .. pid)
mt.sleep(0.5)
t.body(conn, "second half, sent after SIGTERM\r\n")
t.expect_accepted(conn, "Clean")
-- The first reply may end the drain of messages; the connection must outlive it.
mt.sleep(0.5)
t.start(conn, "INFLIGHT2")
t.body(conn, "a message begun after SIGTERM\r\n")
t.expect_reply(conn, "451", "4.3.2", "Mail filter restarting, try again later")
mt.disconnect(conn)
