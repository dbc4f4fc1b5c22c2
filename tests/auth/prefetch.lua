-- The lookups start before the message is complete: SPF's at MAIL FROM, the
-- DKIM key's and DMARC record's at the end of the header.  Each step waits
-- until the DNS server has answered them, then the server is stopped before
-- end of message: results that are not temperror came from lookups made
-- while the message was still coming.  Then a message whose lookups were
-- not made in advance gets temperror (the control).
-- -D DNSCTL=path of dnsctl.sh, MSG=path of the dkim-rsa-pass fixture.
local function ok(r, what)
  if r ~= nil then error(what .. ": " .. tostring(r), 2) end
end
local function run(cmd)
  local r = os.execute(cmd)
  if r ~= 0 and r ~= true then error("failed: " .. cmd, 2) end
end

local conn = mt.connect(SOCKET, 40, 0.25)
if conn == nil then error("cannot connect to " .. SOCKET) end
ok(mt.negotiate(conn, nil, nil, nil), "negotiate")
ok(mt.conninfo(conn, "mail.good.test", "192.0.2.10"), "conninfo")
ok(mt.helo(conn, "mail.good.test"), "helo")
ok(mt.macro(conn, SMFIC_MAIL, "i", "PREFETCH1"), "macro")
ok(mt.mailfrom(conn, "<alice@good.test>"), "mailfrom")
-- SPF: TXT good.test, TXT mail.good.test and A mail.good.test (HELO's a)
run(DNSCTL .. " wait TXT 2 && " .. DNSCTL .. " wait A 1")
ok(mt.rcptto(conn, "<bob@example.test>"), "rcptto")

-- the fixture, header fields then body, in CRLF
local f = assert(io.open(MSG, "rb"))
local text = f:read("*a"):gsub("\r\n", "\n")
f:close()
local head, body = text:match("^(.-)\n\n(.*)$")
local fields = {}
for line in (head .. "\n"):gmatch("(.-)\n") do
  if line:match("^[ \t]") then
    fields[#fields] = fields[#fields] .. "\r\n" .. line
  else
    fields[#fields + 1] = line
  end
end
for _, field in ipairs(fields) do
  local name, value = field:match("^([^:]+):(.*)$")
  ok(mt.header(conn, name, value), "header " .. name)
end
ok(mt.bodystring(conn, (body:gsub("\n", "\r\n"))), "body")
-- DKIM key rsa._domainkey.good.test and _dmarc.good.test
run(DNSCTL .. " wait TXT 4")
run(DNSCTL .. " stop")
ok(mt.eom(conn), "eom")
local reply = mt.getreply(conn)
if reply ~= SMFIR_CONTINUE and reply ~= SMFIR_ACCEPT then
  error("expected accept, got " .. tostring(reply))
end

-- the control: nothing was asked in advance for this one, and DNS is gone
ok(mt.macro(conn, SMFIC_MAIL, "i", "PREFETCH2"), "macro")
ok(mt.mailfrom(conn, "<user@include.spf.test>"), "mailfrom 2")
ok(mt.rcptto(conn, "<bob@example.test>"), "rcptto 2")
ok(mt.header(conn, "From", " user@include.spf.test"), "header 2")
ok(mt.bodystring(conn, "hello\r\n"), "body 2")
ok(mt.eom(conn), "eom 2")
mt.disconnect(conn)
