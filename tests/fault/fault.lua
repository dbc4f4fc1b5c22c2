-- One message with an infected archive (clam.zip) while failshim.so makes
-- one file system call fail: the only wrong outcome is acceptance.  The
-- reply's name goes to WORKDIR/outcome for run.sh.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local names = {
  [SMFIR_ACCEPT] = "accept", [SMFIR_CONTINUE] = "accept", [SMFIR_DISCARD] = "discard",
  [SMFIR_REJECT] = "reject", [SMFIR_TEMPFAIL] = "tempfail", [SMFIR_REPLYCODE] = "reply",
}
local conn = t.connect()
t.start(conn, "FAULT1", t.MULTIPART)
t.body(conn, t.attachment_body(t.TESTFILES .. "/clam.zip"))
t.ok(mt.eom(conn), "eom")
local reply = mt.getreply(conn)
-- A reply code is a 4xx or 5xx of the daemon's (reject or tempfail with
-- text): never an acceptance.
local outcome = names[reply] or tostring(reply)
local f = assert(io.open(WORKDIR .. "/outcome", "w"))
f:write(outcome .. "\n")
f:close()
if outcome == "accept" then t.fail("an infected message was accepted") end
mt.disconnect(conn)
