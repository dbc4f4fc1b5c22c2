-- on_infected = quarantine: the MTA is told to discard, and the message and
-- its envelope are in quarantine_dir before that answer is given.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "QUAR1")
local body = "quarantine me\r\n" .. t.EICAR .. "\r\n"
t.body(conn, body)
t.ok(mt.eom(conn), "eom")
if mt.getreply(conn) ~= SMFIR_DISCARD then
  t.fail("expected discard, got " .. tostring(mt.getreply(conn)))
end
local ls = io.popen("ls " .. WORKDIR .. "/quarantine/*-QUAR1-*.eml")
local eml = ls:read("*l")
ls:close()
if eml == nil then t.fail("no quarantined message") end
local f = assert(io.open(eml, "rb"))
local stored = f:read("*a")
f:close()
if stored:sub(-#body) ~= body then t.fail("stored body differs from what was sent") end
local env = assert(io.open((eml:gsub("%.eml$", ".meta")), "r"))
local envelope = env:read("*a")
env:close()
if not envelope:find("sender=sender@example.org", 1, true) or
   not envelope:find("recipients=rcpt@example.net;", 1, true) then
  t.fail("envelope not recorded: " .. envelope)
end
mt.disconnect(conn)
