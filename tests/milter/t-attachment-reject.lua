-- clam.zip as a base64 attachment is found inside MIME and the archive.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "ZIP1", t.MULTIPART)
t.body(conn, t.attachment_body(t.TESTFILES .. "/clam.zip"))
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: virus Clam.Test.File-SHA256.UNOFFICIAL found")
mt.disconnect(conn)
