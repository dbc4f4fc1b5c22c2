-- An attachment name chosen to forge the log: CR/LF, a quote and a whole
-- fake line saying action=accept (RFC 2231, so the MIME parser hands the
-- bytes over as they are).  The message is still one log line, the fake
-- line is not a line of its own, and the SMTP reply, which names the file,
-- is printable ASCII.  The engine drops the name's control characters
-- where it reads them (engine/text.c); the log escapes what is left.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local fake = "2026-01-01 00:00:00.000 portcullis[1]: LOGINJ: from=<a@example.org> " ..
             "action=accept"
local name = "x\r\n" .. fake .. " \"q\" r\xc3\xa9sum\xc3\xa9\t.exe"
local encoded = name:gsub("[^%w.]", function(c) return string.format("%%%02X", c:byte()) end)
local body = "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" ..
  "--BOUNDARY\r\nContent-Type: application/octet-stream\r\n" ..
  "Content-Disposition: attachment; filename*=utf-8''" .. encoded .. "\r\n\r\n" ..
  "just text, named like a program\r\n--BOUNDARY--\r\n"

local conn = t.connect()
t.start(conn, "LOGINJ", t.MULTIPART)
t.body(conn, body)
t.expect_reply(conn, "550", "5.7.1", "Message rejected: filtered: name:*.exe (x" ..
  fake .. " \"q\" r?sum?.exe)")
mt.disconnect(conn)

local f = assert(io.open(WORKDIR .. "/milter.log", "r"))
local lines, forged = 0, 0
for line in f:lines() do
  if line:find("LOGINJ: from=", 1, true) then lines = lines + 1 end
  if line:sub(1, #fake) == fake then forged = forged + 1 end
end
f:close()
if forged ~= 0 then t.fail("the forged line is a line of its own in the log") end
if lines ~= 1 then t.fail(lines .. " log lines for the message, expected 1") end
t.logged("name=\"x" .. fake .. " \\\"q\\\" r\xc3\xa9sum\xc3\xa9.exe\"")
