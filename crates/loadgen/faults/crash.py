#!/usr/bin/env python3
"""Fault experiments for the worker (figures in BENCHMARKS.md):

1. kill -9 mid-send: N texts are queued; the server (API + worker) is killed with SIGKILL while
   they drain, KILLS times, and restarted at once. Counts texts lost (never reached the provider),
   duplicated (reached it twice), and the seconds from the last restart until all are recorded.
2. A reply behind slow media: a customer's MMS with 10 pictures on a server that never answers,
   then an agent's reply; the seconds until the reply reaches the provider.

Usage (PostgreSQL, release build): crates/loadgen/faults/crash.py [N] [KILLS]
Environment: BIN (target/release/textdesk), PG_URL (postgres://postgres@127.0.0.1:5432).
"""
import base64, hashlib, hmac, json, os, signal, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
KILLS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
BIN = os.environ.get("BIN", "target/release/textdesk")
PG = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
PORT, FAKE_PORT = 18210, 18300
URL, FAKE = f"http://127.0.0.1:{PORT}", f"http://127.0.0.1:{FAKE_PORT}"
ACCOUNT, TOKEN, BUSINESS = "AC" + "1" * 32, "crash-test-auth-token", "+12025550100"
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="textdesk-crash-")
database = f"{PG}/textdesk_crash"


def psql(sql, db=f"{PG}/postgres"):
    return subprocess.run(["psql", db, "-qAtc", sql], check=True, capture_output=True, text=True).stdout.strip()


def call(method, path, body=None, token=None, form=None, headers=None):
    data, heads = None, dict(headers or {})
    if body is not None:
        data, heads["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data, heads["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    if token:
        heads["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(URL + path, data=data, headers=heads, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text and response.headers.get_content_type().endswith("json") else text


def start_server():
    env = dict(os.environ, DATABASE_URL=database, BIND=f"127.0.0.1:{PORT}", PUBLIC_URL=URL, LOG_LEVEL="warn",
               JWT_SECRET="crash-test-secret-0123456789abcdef0123456789", DATA_DIR=f"{work}/data",
               TWILIO_API_BASE=FAKE)
    log = open(f"{work}/server.log", "a")
    server = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=log)
    for _ in range(200):
        try:
            urllib.request.urlopen(URL + "/readyz", timeout=1)
            return server
        except Exception:
            time.sleep(0.05)
    sys.exit("the server did not start; see " + work)


def outstanding():
    return int(psql("SELECT count(*) FROM messages WHERE direction = 'outbound' AND purpose = 'normal' "
                    "AND provider_message_id IS NULL AND status NOT IN ('failed')", database))


def sent_log():
    path = f"{work}/fake.jsonl"
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []


def signature(url, params):
    payload = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def main():
    psql("DROP DATABASE IF EXISTS textdesk_crash WITH (FORCE)")
    psql("CREATE DATABASE textdesk_crash")
    fake = subprocess.Popen([sys.executable, f"{here}/fake_twilio.py", str(FAKE_PORT)],
                            env=dict(os.environ, LOG=f"{work}/fake.jsonl", DELAY_MS="200"))
    server = start_server()
    try:
        owner = {"email": "owner@crash.example", "password": "crash-test-password", "first_name": "Ana",
                 "last_name": "Reyes"}
        call("POST", "/api/v1/setup", {"organization_name": "Crash", "owner": owner})
        token = call("POST", "/api/v1/auth/login", {"email": owner["email"], "password": owner["password"]})["access_token"]
        call("POST", "/api/v1/numbers", {"phone_number": BUSINESS, "label": "Main", "provider": "twilio",
                                         "account_sid": ACCOUNT, "auth_token": TOKEN, "send_rate_per_second": 100},
             token=token)
        for n in range(N):
            call("POST", "/api/v1/messages", {"to": f"+1202555{1000 + n % 50:04d}", "body": f"crash test {n}"},
                 token=token)
        for kill in range(KILLS):
            time.sleep(2)
            server.send_signal(signal.SIGKILL)
            server.wait()
            print(f"kill {kill + 1}: {outstanding()} of {N} not yet recorded", flush=True)
            server = start_server()
        restarted = time.monotonic()
        while outstanding() > 0 and time.monotonic() - restarted < 300:
            time.sleep(0.2)
        drained = time.monotonic() - restarted
        bodies = [m["body"] for m in sent_log() if m["body"].startswith("crash test ")]
        distinct = set(bodies)
        print(f"kill -9 x{KILLS} while {N} texts drained: lost {N - len(distinct)}, "
              f"duplicated {len(bodies) - len(distinct)}, recorded {time.monotonic() - restarted:.1f} s "
              f"after the last restart (drained in {drained:.1f} s)", flush=True)

        params = {"MessageSid": "MM" + "d" * 32, "AccountSid": ACCOUNT, "From": "+12025559999", "To": BUSINESS,
                  "Body": "Photos of the damage", "NumMedia": "10"}
        for n in range(10):
            params[f"MediaUrl{n}"], params[f"MediaContentType{n}"] = f"{FAKE}/silent/{n}.jpg", "image/jpeg"
        call("POST", "/webhooks/twilio/messages", form=params,
             headers={"X-Twilio-Signature": signature(URL + "/webhooks/twilio/messages", params)})
        time.sleep(1)
        asked = time.monotonic()
        call("POST", "/api/v1/messages", {"to": "+12025559999", "body": "Thanks, we will call you"}, token=token)
        while not any(m["body"] == "Thanks, we will call you" for m in sent_log()):
            time.sleep(0.02)
        print(f"a reply behind 10 media from a server that never answers reached the provider in "
              f"{time.monotonic() - asked:.2f} s", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait()
        fake.kill()
        psql("DROP DATABASE IF EXISTS textdesk_crash WITH (FORCE)")


main()
