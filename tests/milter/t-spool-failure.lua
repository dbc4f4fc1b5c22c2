-- The spool cannot be written (here: its directory vanished; a full disk
-- takes the same path): the message is tempfailed 451 4.3.0, never passed
-- unscanned, and the daemon goes on once the spool is back.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

os.execute("rm -rf " .. WORKDIR .. "/spool")
local conn = t.connect()
t.start(conn, "NOSPOOL1")
t.body(conn, string.rep("a line of a message that will not fit in memory\r\n", 1000))
t.expect_reply(conn, "451", "4.3.0", "Temporary local problem, try again later")

os.execute("mkdir " .. WORKDIR .. "/spool")
t.start(conn, "NOSPOOL2")
t.body(conn, string.rep("a line of a message that will not fit in memory\r\n", 1000))
t.expect_accepted(conn, "Clean")
mt.disconnect(conn)
