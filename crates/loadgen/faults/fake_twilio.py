#!/usr/bin/env python3
"""A stand-in for Twilio's Messages API for the fault experiments (crash.sh).

Like Twilio, it does not promise to honour the idempotency header: every POST creates a message.
It answers each POST after DELAY_MS (so a worker killed meanwhile leaves the outcome unknown),
lists messages for GET ...Messages.json?From=&To=, and never answers anything under /silent/
(a media server that hangs). Every created message is appended to LOG as a JSON line.
"""
import json
import os
import sys
import threading
import time
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DELAY = int(os.environ.get("DELAY_MS", "200")) / 1000
LOG = os.environ.get("LOG", "fake_twilio.jsonl")
messages = []
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path.startswith("/silent/"):
            time.sleep(3600)
            return
        if url.path.endswith("/Messages.json"):
            query = parse_qs(url.query)
            want_from, want_to = query.get("From", [None])[0], query.get("To", [None])[0]
            with lock:
                found = [m for m in reversed(messages)
                         if (want_from is None or m["from"] == want_from) and (want_to is None or m["to"] == want_to)]
            self.answer(200, {"messages": found[:50]})
            return
        self.answer(404, {"code": 20404, "message": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        field = lambda name: form.get(name, [""])[0]
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "from": field("From"),
            "to": field("To"),
            "body": field("Body"),
            "status": "queued",
            "num_segments": "1",
            "date_created": formatdate(usegmt=False),
            "key": self.headers.get("I-Twilio-Idempotency-Token", ""),
        }
        with lock:
            messages.append(message)
            with open(LOG, "a") as log:
                log.write(json.dumps(message) + "\n")
        time.sleep(DELAY)
        try:
            self.answer(201, message)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker was killed while waiting: its outcome is unknown to it


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 18300
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
