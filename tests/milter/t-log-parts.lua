-- A message of 25 filtered attachments (refused: a reply, not 25 part edits
-- for miltertest to take): its log line names the first 20
-- parts and counts the rest (parts_more=5), so one message cannot make a
-- line of any length.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local body = "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nsee attachments\r\n"
for i = 1, 25 do
  body = body .. "--BOUNDARY\r\nContent-Type: application/octet-stream; name=\"tool" .. i ..
         ".exe\"\r\n\r\njust text\r\n"
end
body = body .. "--BOUNDARY--\r\n"
local conn = t.connect()
t.start(conn, "PARTS25", t.MULTIPART)
t.body(conn, body)
t.ok(mt.eom(conn), "eom")
mt.disconnect(conn)

-- The line is written as the reply goes out: wait for it.
local line
for _ = 1, 200 do
  local f = assert(io.open(WORKDIR .. "/milter.log", "r"))
  for l in f:lines() do
    if l:find("PARTS25: from=", 1, true) then line = l end
  end
  f:close()
  if line then break end
  os.execute("sleep 0.05")
end
if line == nil then t.fail("no log line for the message") end
local _, parts = line:gsub(" part=", "")
if parts ~= 20 then t.fail(parts .. " parts named in the log line, expected 20") end
if not line:find(" parts_more=5", 1, true) then t.fail("no parts_more=5: " .. line) end
