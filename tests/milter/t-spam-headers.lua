-- The spam check with the default policy: GTUBE is spam, which is not in
-- block, so the message is delivered with SpamAssassin's headers (a forged
-- incoming X-Spam-Status removed first); a clean message says No.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local conn = t.connect()
t.start(conn, "SPAM1", { { "X-Spam-Status", "No, forged" } })
t.body(conn, "Hello\r\n" .. GTUBE .. "\r\n")
t.expect_accepted(conn, "Clean")
if not mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag", " YES") or
   not mt.eom_check(conn, MT_HDRADD, "X-Spam-Status",
                    " Yes, score=1000.0 required=5.0 tests=GTUBE") or
   not mt.eom_check(conn, MT_HDRADD, "X-Spam-Level") then
  t.fail("spam headers missing")
end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Spam-Status") then
  t.fail("forged X-Spam-Status not removed")
end
t.logged("spam=1000.0/5.0(GTUBE)")

t.start(conn, "SPAM2")
t.body(conn, "An ordinary note.\r\n")
t.expect_accepted(conn, "Clean")
if not mt.eom_check(conn, MT_HDRADD, "X-Spam-Status",
                    " No, score=0.0 required=5.0 tests=none") then
  t.fail("X-Spam-Status: No missing")
end
if mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag") then t.fail("X-Spam-Flag on ham") end
mt.disconnect(conn)
