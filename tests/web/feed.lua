-- Sends the message in file MSG from SENDER to RCPTS (comma-separated)
-- with queue id QID, and only checks that the milter answered: the web
-- console's tests look at what it made of it through the API.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local f = assert(io.open(MSG, "rb"))
local headers, body = t.split_message(f:read("*a"))
f:close()
local conn = t.connect()
t.ok(mt.macro(conn, SMFIC_MAIL, "i", QID), "macro")
t.ok(mt.mailfrom(conn, "<" .. SENDER .. ">"), "mailfrom")
for rcpt in RCPTS:gmatch("[^,]+") do
  t.ok(mt.rcptto(conn, "<" .. rcpt .. ">"), "rcptto " .. rcpt)
end
for _, h in ipairs(headers) do
  t.ok(mt.header(conn, h[1], h[2]), "header " .. h[1])
end
t.body(conn, body)
t.ok(mt.eom(conn), "eom")
mt.disconnect(conn)
