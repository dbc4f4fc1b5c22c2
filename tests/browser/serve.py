#!/usr/bin/python3
# NAME
#   tests/browser/serve.py - a static HTTP server on loopback for the
#   browser tests
# DESCRIPTION
#   serve.py DIR PORTFILE [LOG]: serves DIR on 127.0.0.1 on a port the
#   kernel picks, and writes that port to PORTFILE once it listens (the
#   test waits for the file, so there is no race for a "free" port).
#   Everything under /csp/ is served with the strict Content-Security-Policy
#   the web console will send; the same files under any other path are
#   served without it, so a test can show its checks do see what a page
#   does when nothing stops it.  Every request is logged to LOG.
import functools
import http.server
import os
import sys

CSP = "default-src 'none'; style-src 'self'; img-src 'self'"


class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        if self.path.startswith("/csp/"):
            self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path):
        # /csp/x and /open/x are the same file x.
        for prefix in ("/csp/", "/open/"):
            if path.startswith(prefix):
                path = "/" + path[len(prefix):]
        return super().translate_path(path)

    def log_message(self, fmt, *args):
        if log:
            log.write("%s\n" % (fmt % args))
            log.flush()


directory, portfile = sys.argv[1], sys.argv[2]
log = open(sys.argv[3], "a") if len(sys.argv) > 3 else None
server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=directory))
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
