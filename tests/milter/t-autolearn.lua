-- Autolearn: GTUBE is learned as spam and an ordinary note as ham, by the
-- writer thread after the answer; the store shows both, and a lesson
-- queued as the daemon stops is learned before it exits.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local conn = t.connect()
t.start(conn, "LEARN1")
t.body(conn, GTUBE .. "\r\n")
t.expect_accepted(conn, "Clean")
t.logged("autolearn=spam")
t.start(conn, "LEARN2")
t.body(conn, "An ordinary note about the meeting.\r\n")
t.expect_accepted(conn, "Clean")
t.logged("autolearn=ham")

local stats = BUILDDIR .. "/portcullisctl -c /dev/null -o spam.bayes_dir=" .. WORKDIR ..
              "/bayes stats 2>&1"

local function learned(want, tries)
  local out
  for _ = 1, tries do
    local p = assert(io.popen(stats))
    out = p:read("*a")
    p:close()
    if out:find(want, 1, true) then return end
    mt.sleep(0.1)
  end
  t.fail("the store does not say " .. want .. ": " .. out)
end
learned(": 1 spam, 1 ham learned", 50)
learned("4-grams: 1 spam, 1 ham learned", 1)	-- the same lessons teach both learners

-- A lesson queued as the daemon is told to stop is learned before it exits.
local f = assert(io.open(WORKDIR .. "/milter.pid"))
local pid = f:read("*l")
f:close()
t.start(conn, "LEARN3")
t.body(conn, "Another note, sent as the daemon stops.\r\n")
t.expect_accepted(conn, "Clean")
os.execute("kill -TERM " .. pid)
mt.disconnect(conn)
for _ = 1, 150 do
  if not os.execute("kill -0 " .. pid .. " 2>/dev/null") then break end
  mt.sleep(0.1)
end
learned(": 1 spam, 2 ham learned", 1)
