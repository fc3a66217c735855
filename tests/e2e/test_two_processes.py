"""Two real server processes sharing PostgreSQL and Redis: a profile updated through one
reaches a ``userUpdated`` subscriber connected to the other (Redis pub/sub)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.sync.client import ClientConnection, connect

from community.api.relay import decode_id
from community.infra.events import channel
from tests.e2e.conftest import server_backend_env
from tests.e2e.servers import LiveServer, live_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("HAOWU_TEST_BACKEND", "embedded") != "server",
        reason="needs PostgreSQL + Redis server (runs on the server-backend pass)",
    ),
]

PASSWORD = "plum blossom teapot 42"
REGISTER = """
mutation ($input: RegisterInput!) {
  register(input: $input) { token user { id } errors { field code message } }
}"""
UPDATE_PROFILE = """
mutation ($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id displayName } errors { field code message } }
}"""
USER_UPDATED = "subscription ($id: ID!) { userUpdated(id: $id) { id displayName } }"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    # The session fixture already migrated the shared database.
    env = server_backend_env()
    base = Path(tmp_path_factory.mktemp("two"))
    with (
        live_server(base / "a", extra_env=env, migrate=False) as a,
        live_server(base / "b", extra_env=env, migrate=False) as b,
    ):
        yield a, b


def _graphql(server: LiveServer, query: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        server.graphql_url,
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _receive(ws: ClientConnection, deadline: float) -> dict[str, Any]:
    """The next message that is not a ping/pong, before ``deadline``."""
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "timed out waiting for a message from the subscription server"
        message = json.loads(ws.recv(timeout=remaining))
        if message["type"] == "ping":
            ws.send(json.dumps({"type": "pong"}))
        elif message["type"] != "pong":
            return message


def _wait_for_redis_subscriber(name: str, deadline: float) -> None:
    """Process A subscribes to the Redis channel asynchronously after ``subscribe``: wait
    until Redis counts the subscriber, so the update is not published before it listens."""
    client = redis.Redis.from_url(os.environ["TEST_REDIS_URL"])
    try:
        while int(client.pubsub_numsub(name)[0][1]) < 1:
            assert time.monotonic() < deadline, f"nobody subscribed to {name} on Redis"
            time.sleep(0.05)
    finally:
        client.close()


def test_servers_are_distinct_processes_on_the_shared_backend(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = servers
    assert a.process.pid != b.process.pid
    assert a.url != b.url
    assert a.process.poll() is None and b.process.poll() is None
    for server in servers:
        mode = httpx.get(f"{server.url}/health", timeout=5).json()["mode"]
        assert mode == {"database": "postgres", "redis": "server", "worker": "separate"}


def test_profile_update_on_one_process_reaches_a_subscriber_on_the_other(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = servers
    registered = _graphql(
        a,
        REGISTER,
        {"input": {"username": "mei", "email": "mei@example.com", "password": PASSWORD}},
    )["register"]
    assert registered["errors"] == []
    token, user_id = registered["token"], registered["user"]["id"]

    ws_url = a.graphql_url.replace("http://", "ws://", 1)
    with connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=5) as ws:
        deadline = time.monotonic() + 10
        ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        )
        assert _receive(ws, deadline)["type"] == "connection_ack"
        ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": USER_UPDATED, "variables": {"id": user_id}},
                }
            )
        )
        _wait_for_redis_subscriber(channel("user", decode_id(user_id, "User")), deadline)

        sent_at = time.monotonic()
        updated = _graphql(
            b, UPDATE_PROFILE, {"input": {"displayName": "Mei from B"}}, token=token
        )["updateProfile"]
        assert updated["errors"] == []

        message = _receive(ws, sent_at + 5)
        assert message["type"] == "next", message
        assert message["id"] == "1"
        assert message["payload"] == {
            "data": {"userUpdated": {"id": user_id, "displayName": "Mei from B"}}
        }
        ws.send(json.dumps({"id": "1", "type": "complete"}))
