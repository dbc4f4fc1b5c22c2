-- Messages larger than spool_memory_max (16K here) go to a temp file and get
-- the same verdicts: clean accepted, EICAR deep in the body rejected, and a
-- spooled attachment found.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local filler = string.rep("0123456789 spooled line of a large message ....\r\n", 2000)

local conn = t.connect()
t.start(conn, "BIG1")
t.body(conn, filler)
t.body(conn, filler)
t.expect_accepted(conn, "Clean")

t.start(conn, "BIG2")
t.body(conn, filler)
t.body(conn, t.EICAR .. "\r\n")
t.body(conn, filler)
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found")

t.start(conn, "BIG3", t.MULTIPART)
t.body(conn, "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\n" .. filler)
t.body(conn, t.attachment_body(t.TESTFILES .. "/clam.7z"):sub(1))
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found")
mt.disconnect(conn)
