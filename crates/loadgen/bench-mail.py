#!/usr/bin/env python3
"""How long a notification takes from a customer's text to the SMTP server, and what batching
does to a burst. Starts an SMTP server (Python's own smtpd, 3.11) and a Textdesk server whose
SMTP_URL points at it, on a fresh SQLite database, then:

  1. one text in a conversation the agent owns: the time until its mail is accepted;
  2. a burst of ten texts, one every BURST_GAP seconds: how many mails, and when.

Usage: crates/loadgen/bench-mail.py [path/to/textdesk]  (default target/debug/textdesk)
"""

import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)

import asyncore
import email
import json
import os
import smtpd
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/textdesk"
HTTP_PORT = int(os.environ.get("PORT", "18231"))
SMTP_PORT = HTTP_PORT + 1
BURST_GAP = float(os.environ.get("BURST_GAP", "3"))
URL = f"http://127.0.0.1:{HTTP_PORT}"

arrivals = []


class Recorder(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        arrivals.append((time.monotonic(), rcpttos, data))


def call(method, path, token=None, body=None, expect=(200, 201, 202, 204)):
    request = urllib.request.Request(f"{URL}/api/v1{path}", method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(request, data) as response:
        assert response.status in expect, response.status
        text = response.read()
        return json.loads(text) if text else None


def wait_for(count, timeout):
    deadline = time.monotonic() + timeout
    while len(arrivals) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(arrivals) >= count


def main():
    Recorder(("127.0.0.1", SMTP_PORT), None, decode_data=False)
    threading.Thread(target=asyncore.loop, daemon=True).start()
    folder = tempfile.mkdtemp(prefix="bench-mail-")
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite://{folder}/textdesk.db",
        BIND=f"127.0.0.1:{HTTP_PORT}",
        DATA_DIR=folder,
        SMTP_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
        MAIL_FROM="Textdesk <notify@bench.test>",
        LOG_LEVEL="warn",
    )
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{URL}/readyz")
                break
            except OSError:
                time.sleep(0.1)
        owner = call("POST", "/setup", body={
            "organization_name": "Bench",
            "owner": {"email": "owner@bench.test", "password": "correct horse battery", "first_name": "O", "last_name": "W"},
        })["access_token"]
        number = call("POST", "/numbers", owner, {"phone_number": "+12025550100", "label": "Main", "provider": "simulator"})["id"]
        customer = "+12025550143"

        def text(body):
            return call("POST", "/simulator/messages", owner, {"from": customer, "number_id": number, "body": body})

        conversation = text("hello")["conversation_id"]
        call("POST", f"/conversations/{conversation}/claim", owner, {})

        sent = time.monotonic()
        text("one text")
        if not wait_for(1, 120):
            sys.exit("no mail within 120 s")
        print(f"one text: its mail reached the SMTP server {arrivals[0][0] - sent:.1f} s after the text")

        start = time.monotonic()
        for n in range(1, 11):
            text(f"burst text {n}")
            if n < 10:
                time.sleep(BURST_GAP)
        last = time.monotonic()
        # The last mail of a burst is written once it has been quiet for 30 seconds.
        time.sleep(40)
        burst = arrivals[1:]
        print(f"burst: 10 texts over {last - start:.0f} s made {len(burst)} mail(s)")
        for at, _, data in burst:
            plain = next(
                part.get_payload(decode=True).decode()
                for part in email.message_from_bytes(data).walk()
                if part.get_content_type() == "text/plain"
            )
            shown = sum(f"burst text {n}\n" in plain.replace("\r\n", "\n") for n in range(1, 11))
            print(f"  mail {at - last:+.1f} s after the last text, showing {shown} of the 10 texts")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
