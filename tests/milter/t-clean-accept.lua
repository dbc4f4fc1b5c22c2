-- A clean message is accepted, stamped, and forged X-Virus headers removed.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "CLEAN1", { { "X-Virus-Status", "Clean (forged)" },
                          { "X-Virus-Scanned", "by nobody" } })
t.body(conn, "Hello,\r\nthis is a clean message.\r\n")
t.expect_accepted(conn, "Clean")
if not mt.eom_check(conn, MT_HDRDELETE, "X-Virus-Status") then
  t.fail("forged X-Virus-Status was not removed")
end
if not mt.eom_check(conn, MT_HDRDELETE, "X-Virus-Scanned") then
  t.fail("forged X-Virus-Scanned was not removed")
end
mt.disconnect(conn)
