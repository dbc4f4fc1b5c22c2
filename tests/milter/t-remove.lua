-- infected_action = remove: the attachment disappears with its boundary
-- line; the text part and the closing boundary stay as sent.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "REMOVE1", t.MULTIPART)
t.body(conn, t.attachment_body(t.TESTFILES .. "/clam.7z"))
t.expect_accepted(conn,
  "Infected (Clam.Test.File-SHA256.UNOFFICIAL), 1 attachment removed")
local expected = "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" ..
  "--BOUNDARY--\r\n"
if not mt.eom_check(conn, MT_BODYCHANGE, expected) then
  t.fail("body was not replaced by the text part alone")
end
mt.disconnect(conn)
