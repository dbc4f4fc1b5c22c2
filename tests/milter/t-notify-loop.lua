-- Notifications do not loop, with no release key at all: a notification
-- about a virus whose Subject has GTUBE is itself spam; fed back through
-- the milter (as the MTA delivers it to the administrator) it causes none.
-- Its X-Portcullis-Notification copied into another message does not
-- silence the notification about that one.  Notifications stay queued
-- (sendmail_path is /bin/false), so the script reads them there.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")
local GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local function queued()
  local f = assert(io.open(WORKDIR .. "/milter.log", "r"))
  local n = 0
  for line in f:lines() do
    if line:find("notification to <admin@example.net> queued", 1, true) then n = n + 1 end
  end
  f:close()
  return n
end

local function expect_queued(n, what)
  if queued() ~= n then
    t.fail(what .. ": " .. queued() .. " notifications queued, expected " .. n)
  end
end

-- sender: "<>" or an address in brackets; headers: { name, value } pairs.
local function deliver(qid, sender, headers, body)
  local conn = t.connect()
  t.ok(mt.macro(conn, SMFIC_MAIL, "i", qid), "macro")
  t.ok(mt.mailfrom(conn, sender), "mailfrom")
  t.ok(mt.rcptto(conn, "<admin@example.net>"), "rcptto")
  for _, h in ipairs(headers) do t.ok(mt.header(conn, h[1], h[2]), "header " .. h[1]) end
  t.body(conn, body)
  t.ok(mt.eom(conn), "eom")
  mt.disconnect(conn)
end

-- The queued notification's text.  The sender thread renames the file
-- after each failed attempt (the count is in its name): list and open again
-- until one open wins the race.
local function queued_text()
  for _ = 1, 200 do
    local ls = io.popen("ls " .. WORKDIR .. "/notify/")
    local name = ls:read("*l")
    ls:close()
    local f = name and io.open(WORKDIR .. "/notify/" .. name, "rb")
    if f then
      local text = f:read("*a")
      f:close()
      return text
    end
    os.execute("sleep 0.05")
  end
  t.fail("no notification in the queue")
end

-- The one queued notification: its headers and body, as sendmail gets them.
local function notification()
  return t.split_message(queued_text():match("^.-\n\n(.*)$"))
end

deliver("LOOP1", "<sender@example.org>", { { "Subject", "hello " .. GTUBE } },
        t.EICAR .. "\r\n")
expect_queued(1, "the virus")
local headers, body = notification()
local mark
for _, h in ipairs(headers) do
  if h[1] == "X-Portcullis-Notification" then mark = h[2] end
end
if mark == nil then t.fail("the notification has no X-Portcullis-Notification") end

deliver("LOOP2", "<>", headers, body)
expect_queued(1, "the notification fed back")
t.logged("LOOP2: a notification of ours: it causes none")

deliver("LOOP3", "<sender@example.org>",
        { { "Subject", "copied mark" }, { "Message-ID", "<other@example.org>" },
          { "X-Portcullis-Notification", mark } }, t.EICAR .. "\r\n")
expect_queued(2, "a virus carrying a copied mark")

deliver("LOOP4", "<>", { { "Subject", "Undelivered Mail" },
                         { "Auto-Submitted", "auto-replied" } }, t.EICAR .. "\r\n")
expect_queued(2, "an automatic message to <>")
t.logged("LOOP4: automatic mail to the null sender")
