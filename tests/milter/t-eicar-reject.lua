-- EICAR in a text body is rejected 550 5.7.1 with the signature named.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "EICAR1")
t.body(conn, "Here it comes:\r\n" .. t.EICAR .. "\r\n")
-- REJECT_TEXT (-D) lets tests/reload.sh check a reloaded reject_message.
t.expect_reply(conn, "550", "5.7.1",
               REJECT_TEXT or "Message rejected: virus Eicar-Test-Signature.UNOFFICIAL found")
mt.disconnect(conn)
