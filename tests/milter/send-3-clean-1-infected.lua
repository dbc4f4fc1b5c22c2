-- Three clean messages and one EICAR over one connection: a known outcome
-- for the tests that count (tests/control.sh, tests/metrics.sh).
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local conn = t.connect()
for i = 1, 3 do
  t.start(conn, "C" .. i)
  t.body(conn, "clean " .. i .. "\r\n")
  t.expect_accepted(conn, "Clean")
end
t.start(conn, "V1")
t.body(conn, t.EICAR .. "\r\n")
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found")
mt.disconnect(conn)
