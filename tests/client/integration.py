"""The API as an integrator meets it: a client generated from api-spec/openapi.json by
openapi-python-client (a mainstream generator from PyPI), used against the real server.

An owner signs in and makes an API key; with the key alone, a script upserts a contact by phone
number, texts them, pushes a note to their conversation (sent twice with one Idempotency-Key,
so it lands once), reads the conversation back, and reads the change feed. Every answer is parsed by the generated
models, so a document that does not match what the server sends fails here.

    python integration.py BINARY DATABASE_URL

BINARY is the textdesk server, DATABASE_URL a fresh database for it. Run by
tests/client/run.sh, which generates the client first.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import httpx
from textdesk_client import AuthenticatedClient, Client
from textdesk_client.api.api_keys import create_api_key
from textdesk_client.api.auth import login
from textdesk_client.api.contacts import upsert_contact
from textdesk_client.api.conversations import get_conversation, push_note, send_to_phone
from textdesk_client.api.events import list_events
from textdesk_client.api.outbound_webhooks import list_webhook_endpoints
from textdesk_client.models import (
    ApiScope,
    Contact,
    ConversationDetail,
    CreateApiKey,
    CreatedApiKey,
    EventBatch,
    LoginRequest,
    Message,
    ProblemDetails,
    PushNote,
    SendToPhone,
    TokenResponse,
    UpdateContact,
)

OWNER = "owner@demo.textdesk.local"
PASSWORD = "textdesk-demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(binary: str, database_url: str, data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        BIND=f"127.0.0.1:{port}",
        DATA_DIR=data_dir,
        STATIC_DIR=data_dir,
        LOG_LEVEL="warn",
    )
    server = subprocess.Popen([binary, "serve", "--demo"], cwd=data_dir, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not become ready")


def expect(answer, kind):
    """The generated client returns the parsed model, or ProblemDetails for an error."""
    if isinstance(answer, ProblemDetails):
        raise AssertionError(f"expected {kind.__name__}, got problem {answer.code}: {answer.detail}")
    assert isinstance(answer, kind), f"expected {kind.__name__}, got {answer!r}"
    return answer


def run(url: str) -> None:
    anonymous = Client(base_url=url)
    tokens = expect(login.sync(client=anonymous, body=LoginRequest(email=OWNER, password=PASSWORD)), TokenResponse)
    owner = AuthenticatedClient(base_url=url, token=tokens.access_token)
    scopes = [ApiScope.CONTACTSWRITE, ApiScope.MESSAGESSEND, ApiScope.NOTESWRITE, ApiScope.CONVERSATIONSREAD]
    created = expect(create_api_key.sync(client=owner, body=CreateApiKey(label="Shop", scopes=scopes)), CreatedApiKey)
    assert created.secret.startswith("tdk_")

    shop = AuthenticatedClient(base_url=url, token=created.secret)
    contact = expect(
        upsert_contact.sync(
            "(202) 555-0187",
            client=shop,
            body=UpdateContact(first_name="Grace", last_name="Hopper", labels=["customer"]),
        ),
        Contact,
    )
    assert contact.phone_number == "+12025550187", contact.phone_number
    again = expect(upsert_contact.sync("+12025550187", client=shop, body=UpdateContact(company="Navy")), Contact)
    assert again.id == contact.id and again.company == "Navy" and again.first_name == "Grace"

    sent = expect(
        send_to_phone.sync(client=shop, body=SendToPhone(to="+12025550187", body="Your order has shipped.")),
        Message,
    )
    assert sent.author.label == "Shop", sent.author

    key = str(uuid.uuid4())
    note = PushNote(phone_number="202-555-0187", body="Order #1001 shipped by UPS.", source="Shop")
    first = push_note.sync_detailed(client=shop, body=note, idempotency_key=key)
    retried = push_note.sync_detailed(client=shop, body=note, idempotency_key=key)
    assert first.status_code == 201 and retried.status_code == 201, (first.status_code, retried.status_code)
    assert retried.headers.get("idempotent-replayed") == "true"
    assert expect(first.parsed, Message).id == expect(retried.parsed, Message).id

    detail = expect(get_conversation.sync(sent.conversation_id, client=shop), ConversationDetail)
    notes = [message for message in detail.messages if message.body == "Order #1001 shipped by UPS."]
    assert len(notes) == 1, f"{len(notes)} notes"
    assert notes[0].source == "Shop"
    assert any(message.id == sent.id for message in detail.messages)

    # The change feed told of all of it, each event read into its kind's model.
    batch = expect(list_events.sync(client=shop, after="0", wait=0), EventBatch)
    kinds = {event.kind for event in batch.events}
    assert {"message.added", "contact.changed", "conversation.changed"} <= kinds, kinds
    added = [event.data.message_id for event in batch.events if event.kind == "message.added"]
    assert sent.id in added and notes[0].id in added

    # A key holds only its scopes: this one cannot manage webhooks.
    refused = list_webhook_endpoints.sync(client=shop)
    assert isinstance(refused, ProblemDetails) and refused.code == "scope_missing", refused


def main() -> None:
    binary, database_url = os.path.abspath(sys.argv[1]), sys.argv[2]
    with tempfile.TemporaryDirectory() as data_dir:
        if database_url == "sqlite":
            database_url = f"sqlite://{data_dir}/textdesk.db"
        server, url = start_server(binary, database_url, data_dir)
        try:
            run(url)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("generated client: passed")


if __name__ == "__main__":
    main()
