-- block = ..., spam: GTUBE is refused at SMTP time.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local conn = t.connect()
t.start(conn, "SPAM3")
t.body(conn, GTUBE .. "\r\n")
t.expect_reply(conn, "550", "5.7.1", "Message rejected: spam: GTUBE")
mt.disconnect(conn)
