-- A file inside an attachment beyond max_file_size (a 3 MB member of a
-- 3 KB zip) cannot be fully scanned, and would not be on any retry: it is
-- unscannable (never a silent clean, never a tempfail that ends in a bounce
-- days later), and unscannable is in the default block list, so the sender
-- gets a 5xx that says why.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "LIMIT1", t.MULTIPART)
t.body(conn, t.attachment_body(TESTDIR .. "/../data/big-member.zip"))
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: unscannable attachment (limit:MaxFileSize)")
mt.disconnect(conn)
