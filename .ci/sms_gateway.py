#!/usr/bin/env python3
"""A local SMS gateway for CI, standard library only.

  sms_gateway.py PORT INBOX_FILE

Takes what tinbao sends (POST, JSON {"to", "text"}, any path) and appends it to
INBOX_FILE as one JSON line, so that `session_token.py citizen` can read a registration
code and schemathesis can fuzz registration against a gateway that answers.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, inbox = int(sys.argv[1]), sys.argv[2]


class Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        message = json.loads(body)
        with open(inbox, "a", encoding="utf-8") as f:
            f.write(json.dumps({"to": message.get("to"), "text": message.get("text")}) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status":"queued"}')

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Gateway).serve_forever()
