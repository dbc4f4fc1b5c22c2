-- One EICAR message under block_action = quarantine: a known outcome for
-- the quarantine and notification gauges of tests/metrics.sh.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local conn = t.connect()
t.start(conn, "Q1")
t.body(conn, t.EICAR .. "\r\n")
t.ok(mt.eom(conn), "eom")
if mt.getreply(conn) ~= SMFIR_DISCARD then
  t.fail("expected discard (quarantined), got reply " .. tostring(mt.getreply(conn)))
end
mt.disconnect(conn)
