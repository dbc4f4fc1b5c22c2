-- Shared helpers for the miltertest scripts: one place for the connect and
-- envelope boilerplate.  run.sh passes -D SOCKET=... and -D DATA=<tests/data>.
local M = {}

M.EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
M.TESTFILES = "/usr/share/clamav-testfiles"

function M.fail(what)
  error(what, 2)
end

function M.ok(result, what)
  if result ~= nil then
    M.fail(what .. ": " .. tostring(result))
  end
end

-- steps: the protocol steps offered (nil: all of libmilter's).  miltertest
-- takes them third and the actions fourth, whatever its man page says.
function M.connect(steps)
  local conn = mt.connect(SOCKET, 40, 0.25)
  if conn == nil then M.fail("cannot connect to " .. SOCKET) end
  M.ok(mt.negotiate(conn, nil, steps, nil), "negotiate")
  M.ok(mt.conninfo(conn, "client.example", "192.0.2.1"), "conninfo")
  M.ok(mt.helo(conn, "client.example"), "helo")
  return conn
end

-- MAIL, RCPT and the headers of a plain or multipart message.
function M.start(conn, qid, headers)
  M.ok(mt.macro(conn, SMFIC_MAIL, "i", qid), "macro")
  M.ok(mt.mailfrom(conn, "<sender@example.org>"), "mailfrom")
  M.ok(mt.rcptto(conn, "<rcpt@example.net>"), "rcptto")
  M.ok(mt.header(conn, "From", "sender@example.org"), "header From")
  M.ok(mt.header(conn, "To", "rcpt@example.net"), "header To")
  M.ok(mt.header(conn, "Subject", "test " .. qid), "header Subject")
  for _, h in ipairs(headers or {}) do
    M.ok(mt.header(conn, h[1], h[2]), "header " .. h[1])
  end
  -- No mt.eoh(): portcullis negotiates SMFIP_NOEOH, and miltertest then
  -- refuses to send it, as an MTA would not.
end

-- Body in chunks of at most 64K, as an MTA sends it (libmilter drops
-- connections that send larger packets).
function M.body(conn, data)
  for i = 1, #data, 65535 do
    M.ok(mt.bodystring(conn, data:sub(i, i + 65534)), "body chunk")
  end
end

function M.expect_accepted(conn, status)
  M.ok(mt.eom(conn), "eom")
  local reply = mt.getreply(conn)
  if reply ~= SMFIR_CONTINUE and reply ~= SMFIR_ACCEPT then
    M.fail("expected accept, got reply " .. tostring(reply))
  end
  -- miltertest agrees to SMFIP_HDR_LEADSPC, so values carry their space.
  if not mt.eom_check(conn, MT_HDRADD, "X-Virus-Status", " " .. status) then
    M.fail("X-Virus-Status: " .. status .. " was not added")
  end
  if not mt.eom_check(conn, MT_HDRADD, "X-Virus-Scanned") then
    M.fail("X-Virus-Scanned was not added")
  end
end

function M.expect_reply(conn, code, xcode, text)
  M.ok(mt.eom(conn), "eom")
  if not mt.eom_check(conn, MT_SMTPREPLY, code, xcode, text) then
    M.fail("expected reply " .. code .. " " .. xcode .. " " .. text .. ", got reply " ..
           tostring(mt.getreply(conn)))
  end
end

-- A base64 attachment of a file, as a MIME multipart body in CRLF lines.
function M.attachment_body(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local b = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  local enc = ((data:gsub('.', function(x)
    local r, byte = '', x:byte()
    for i = 8, 1, -1 do r = r .. (byte % 2^i - byte % 2^(i-1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2^(6-i) or 0) end
    return b:sub(c+1, c+1)
  end) .. ({ '', '==', '=' })[#data % 3 + 1])
  local lines = {}
  for i = 1, #enc, 76 do lines[#lines + 1] = enc:sub(i, i + 75) end
  local name = path:match("[^/]+$")
  return "--BOUNDARY\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" ..
         "--BOUNDARY\r\nContent-Type: application/octet-stream; name=\"" .. name .. "\"\r\n" ..
         "Content-Transfer-Encoding: base64\r\n" ..
         "Content-Disposition: attachment; filename=\"" .. name .. "\"\r\n\r\n" ..
         table.concat(lines, "\r\n") .. "\r\n--BOUNDARY--\r\n"
end

-- A harmless file whose name the default filter stops (*.exe).
function M.exe_body()
  local path = WORKDIR .. "/tool.exe"
  local f = assert(io.open(path, "wb"))
  f:write("just text, named like a program\r\n")
  f:close()
  return M.attachment_body(path)
end

-- MAIL and RCPTs; returns the reply to each RCPT (SMFIR_CONTINUE when
-- accepted).
function M.envelope(conn, qid, rcpts)
  M.ok(mt.macro(conn, SMFIC_MAIL, "i", qid), "macro")
  M.ok(mt.mailfrom(conn, "<sender@example.org>"), "mailfrom")
  local replies = {}
  for i, rcpt in ipairs(rcpts) do
    M.ok(mt.rcptto(conn, "<" .. rcpt .. ">"), "rcptto " .. rcpt)
    replies[i] = mt.getreply(conn)
  end
  return replies
end

-- Headers of a multipart message and its body.
function M.content(conn, qid, body)
  for _, h in ipairs({ { "From", "sender@example.org" }, { "Subject", "test " .. qid },
                       { "MIME-Version", "1.0" },
                       { "Content-Type", "multipart/mixed; boundary=\"BOUNDARY\"" } }) do
    M.ok(mt.header(conn, h[1], h[2]), "header " .. h[1])
  end
  M.body(conn, body)
end

-- The daemon's log has a line containing text (plain, not a pattern).
function M.logged(text)
  local f = assert(io.open(WORKDIR .. "/milter.log", "r"))
  local log = f:read("*a")
  f:close()
  if not log:find(text, 1, true) then M.fail("not in the log: " .. text) end
end

M.MULTIPART = {
  { "MIME-Version", "1.0" },
  { "Content-Type", "multipart/mixed; boundary=\"BOUNDARY\"" },
}

-- A message's header fields as { name, value } pairs (continuation lines
-- kept in the value) and its body; CRLF or LF line ends.
function M.split_message(text)
  local head, body = text:match("^(.-)\r?\n\r?\n(.*)$")
  local headers = {}
  for line in (head .. "\n"):gmatch("(.-)\r?\n") do
    if line:match("^[ \t]") then
      headers[#headers][2] = headers[#headers][2] .. "\r\n" .. line
    else
      local name, value = line:match("^([^:]+):[ ]?(.*)$")
      headers[#headers + 1] = { name, value }
    end
  end
  return headers, body
end

return M
