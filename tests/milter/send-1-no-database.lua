-- One clean message while the daemon has no signatures (none yet, or a
-- sequential reload between the old and the new): 451 4.7.1 saying why.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local conn = t.connect()
t.start(conn, "NODB1")
t.body(conn, "hello\r\n")
t.expect_reply(conn, "451", "4.7.1", "Virus database not loaded yet, try again later")
mt.disconnect(conn)
