-- quarantine.store = mta: the milter protocol's own quarantine action (the
-- MTA holds the message: Postfix's hold queue) with the reason, and
-- nothing is written to quarantine_dir.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "QMTA1")
t.body(conn, "quarantine me in the MTA\r\n" .. t.EICAR .. "\r\n")
t.ok(mt.eom(conn), "eom")
if not mt.eom_check(conn, MT_QUARANTINE,
                    "portcullis: virus Eicar-Test-Signature.UNOFFICIAL found") then
  t.fail("no quarantine request with the reason")
end
if mt.getreply(conn) ~= SMFIR_ACCEPT and mt.getreply(conn) ~= SMFIR_CONTINUE then
  t.fail("expected accept (held by the MTA), got " .. tostring(mt.getreply(conn)))
end
local ls = io.popen("ls " .. WORKDIR .. "/quarantine")
if ls:read("*l") ~= nil then t.fail("something was written to quarantine_dir") end
ls:close()
mt.disconnect(conn)
