-- With infected out of the block list, an infected attachment is replaced
-- by a notice: the body is replaced (SMFIR_REPLBODY) with the text part and
-- boundaries exactly as sent and the notice in the attachment's place (with
-- every reason found about it), and X-Virus-Status says what was done.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "PLACE1", t.MULTIPART)
t.body(conn, t.attachment_body(t.TESTFILES .. "/clam.zip"))
t.expect_accepted(conn,
  "Infected (Clam.Test.File-SHA256.UNOFFICIAL), 1 attachment replaced")
local expected = "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" ..
  "--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\n" ..
  "Content-Transfer-Encoding: quoted-printable\r\nContent-Disposition: inline\r\n\r\n" ..
  "Removed clam.zip: virus Clam.Test.File-SHA256.UNOFFICIAL found; filtered: n=\r\n" ..
  "ame:*.exe (clam.zip/clam.exe); filtered: executable (clam.zip/clam.exe) (in=\r\n" ..
  "fected)\r\n" ..
  "--BOUNDARY--\r\n"
if not mt.eom_check(conn, MT_BODYCHANGE, expected) then
  t.fail("body was not replaced by the expected notice")
end
mt.disconnect(conn)
