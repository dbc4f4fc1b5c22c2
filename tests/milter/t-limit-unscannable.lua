-- An attachment beyond max_file_size cannot be fully scanned, and would
-- not be on any retry: it is unscannable (never a silent clean, never a
-- tempfail that ends in a bounce days later), and unscannable is in the
-- default block list, so the sender gets a 5xx that says why.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local conn = t.connect()
t.start(conn, "LIMIT1", t.MULTIPART)
local line = string.rep("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2", 1) .. "\r\n"
t.body(conn, "--BOUNDARY\r\nContent-Type: application/octet-stream; " ..
     "name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
for _ = 1, 6 do
  t.body(conn, string.rep(line, 5000))
end
t.body(conn, "--BOUNDARY--\r\n")
t.expect_reply(conn, "550", "5.7.1",
               "Message rejected: unscannable attachment (limit:MaxFileSize)")
mt.disconnect(conn)
