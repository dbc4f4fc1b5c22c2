-- An attachment beyond max_file_size cannot be fully scanned: that is an
-- error (never a silent clean), and on_error = tempfail answers 451 4.7.1.
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
t.expect_reply(conn, "451", "4.7.1", "Virus scan failed, try again later")
mt.disconnect(conn)
