-- Benchmark client (autolearn.sh): every file under FILES (a shell glob) as
-- the body of its own message on its own connection.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local list = assert(io.popen("ls " .. FILES))
for path in list:lines() do
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a"):gsub("\r?\n", "\r\n")
  f:close()
  local conn = t.connect()
  t.start(conn, "BENCH")
  t.body(conn, data)
  t.ok(mt.eom(conn), "eom")
  mt.disconnect(conn)
end
list:close()
