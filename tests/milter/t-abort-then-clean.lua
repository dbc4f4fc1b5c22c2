-- A message aborted mid-body leaves nothing behind: the next message on the
-- same connection gets its own, correct verdict (and so does an infected one).
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "ABORT1")
t.body(conn, t.EICAR .. "\r\npart of a message")
t.ok(mt.abort(conn), "abort")

t.start(conn, "AFTER1")
t.body(conn, "clean after abort\r\n")
t.expect_accepted(conn, "Clean")

t.start(conn, "AFTER2")
t.body(conn, t.EICAR .. "\r\n")
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found")
mt.disconnect(conn)
