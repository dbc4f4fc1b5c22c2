-- A release mark lets its message through once, and only for an entry that
-- is in the quarantine.  portcullisctl releases into a sendmail_path that
-- keeps the message; the script plays the MTA delivering it (twice), and a
-- mark whose entry was deleted.
package.path = TESTDIR .. "/?.lua;" .. package.path
local t = require("lib")

local function quarantine(qid)
  local conn = t.connect()
  t.start(conn, qid)
  t.body(conn, "replay me\r\n" .. t.EICAR .. "\r\n")
  t.ok(mt.eom(conn), "eom")
  if mt.getreply(conn) ~= SMFIR_DISCARD then t.fail(qid .. ": expected discard") end
  mt.disconnect(conn)
  local ls = io.popen("ls " .. WORKDIR .. "/quarantine/*-" .. qid .. "-*.meta")
  local meta = ls:read("*l")
  ls:close()
  if meta == nil then t.fail(qid .. ": not quarantined") end
  return meta:match("([^/]+)%.meta$")
end

local function ctl(args)
  local cmd = BUILDDIR .. "/portcullisctl -c /dev/null" ..
    " -o quarantine.quarantine_dir=" .. WORKDIR .. "/quarantine" ..
    " -o quarantine.release_key_file=" .. WORKDIR .. "/release.key" ..
    " -o notify.sendmail_path=" .. WORKDIR .. "/keep.sh " .. args ..
    " >> " .. WORKDIR .. "/ctl.out 2>&1"
  local ok = os.execute(cmd)
  if ok ~= true and ok ~= 0 then t.fail("failed: " .. cmd) end
end

-- The message portcullisctl handed to "sendmail", headers and body.
local function released(id)
  ctl("quarantine release " .. id)
  local f = assert(io.open(WORKDIR .. "/released.eml", "rb"))
  local text = f:read("*a")
  f:close()
  return t.split_message(text)
end

local function deliver(qid, headers, body)
  local conn = t.connect()
  t.ok(mt.macro(conn, SMFIC_MAIL, "i", qid), "macro")
  t.ok(mt.mailfrom(conn, "<sender@example.org>"), "mailfrom")
  t.ok(mt.rcptto(conn, "<rcpt@example.net>"), "rcptto")
  for _, h in ipairs(headers) do t.ok(mt.header(conn, h[1], h[2]), "header " .. h[1]) end
  t.body(conn, body)
  t.ok(mt.eom(conn), "eom")
  local reply = mt.getreply(conn)
  mt.disconnect(conn)
  return reply
end

local keep = assert(io.open(WORKDIR .. "/keep.sh", "w"))
keep:write("#!/bin/sh\ncat > '" .. WORKDIR .. "/released.eml'\n")
keep:close()
os.execute("chmod 755 " .. WORKDIR .. "/keep.sh")

local id = quarantine("REPLAY1")
local headers, body = released(id)
local first = deliver("REPLAY2", headers, body)
if first ~= SMFIR_CONTINUE and first ~= SMFIR_ACCEPT then
  t.fail("the released message was not let through: reply " .. tostring(first))
end
if deliver("REPLAY3", headers, body) ~= SMFIR_DISCARD then
  t.fail("the same mark let the message through a second time")
end
t.logged("av=unscanned action=accept released=" .. id)
t.logged("release mark refused (already used): scanned as usual")

local gone = quarantine("REPLAY4")
headers, body = released(gone)
ctl("quarantine delete " .. gone)
if deliver("REPLAY5", headers, body) ~= SMFIR_DISCARD then
  t.fail("a mark for a deleted entry let the message through")
end
t.logged("release mark refused (no such entry): scanned as usual")
