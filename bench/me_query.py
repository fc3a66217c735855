"""Benchmark "me": ``{ me { … } }`` with a bearer token through the real HTTP stack.

Per backend it starts ``haowu serve`` (registers one member to get a token) and measures:
the small query sent as text, the web app's ``Me`` operation sent as text (parsed and
validated once, then served from the document cache) and as a persisted ``documentId``; then
it stops Haowu and starts :mod:`bench.naive_app` on the same data, where graphql-server's
plain view parses and validates the same texts on every request. :func:`run_bare` measures a
bare Starlette route answering the same JSON as the small query, for scale.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import httpx

from bench.common import Load, Options, Result, backend_env, haowu_server, load, uvicorn_server
from community.api.documents import OPERATIONS_DIR, document_id

__all__ = ["ME", "SMALL", "run", "run_bare"]

SMALL = "{ me { id username displayName } }"
ME = (OPERATIONS_DIR / "Me.graphql").read_text()
REGISTER = """mutation ($input: RegisterInput!) {
  register(input: $input) { token errors { field code message } }
}"""
PASSWORD = "plum blossom teapot 42"
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def _register(url: str) -> str:
    name = f"bench{secrets.token_hex(4)}"
    answer = httpx.post(
        url,
        json={
            "query": REGISTER,
            "variables": {
                "input": {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            },
        },
        timeout=30,
    ).json()
    payload = answer["data"]["register"]
    if payload["errors"]:
        raise RuntimeError(f"could not register the benchmark member: {payload['errors']}")
    return str(payload["token"])


def _answer(url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = httpx.post(url, json=body, headers=headers, timeout=10)
    data = response.json()
    if response.status_code != 200 or data.get("errors") or not data["data"]["me"]:
        raise RuntimeError(f"unexpected answer to the me query: {response.text}")
    return data


def _body(**fields: str) -> str:
    return json.dumps(fields, separators=(",", ":"))


def run(backend: str, options: Options, data_dir: Path) -> tuple[list[Result], Any]:
    """The Haowu and naive measurements on ``backend``, and the small query's answer."""
    env = backend_env(backend, options)
    results: list[Result] = []
    with haowu_server(data_dir, env) as server:
        headers = {**JSON_HEADERS, "Authorization": f"Bearer {_register(server.graphql_url)}"}
        small = _answer(server.graphql_url, headers, {"query": SMALL})
        full = _answer(server.graphql_url, headers, {"query": ME})
        by_id = _body(documentId=document_id(ME))
        jobs = [
            Load("haowu-small", "Haowu: small query as text", _body(query=SMALL), small, headers),
            Load("haowu-me", "Haowu: Me operation as text", _body(query=ME), full, headers),
            Load("haowu-me-id", "Haowu: Me operation by documentId", by_id, full, headers),
        ]
        results += [load(server, job, backend, options) for job in jobs]
    with uvicorn_server("bench.naive_app:create_app", data_dir, env) as naive:
        jobs = [
            Load("naive-small", "naive view: small query", _body(query=SMALL), small, headers),
            Load("naive-me", "naive view: Me operation", _body(query=ME), full, headers),
        ]
        results += [load(naive, job, backend, options) for job in jobs]
    return results, small


def run_bare(options: Options, data_dir: Path, answer: Any) -> Result:
    """A bare Starlette route answering ``answer`` (no GraphQL, no database)."""
    env = {"BENCH_BARE_BODY": json.dumps(answer)}
    with uvicorn_server("bench.bare_app:create_app", data_dir, env) as bare:
        job = Load("bare", "bare Starlette, same JSON", _body(query=SMALL), answer, JSON_HEADERS)
        return load(bare, job, "-", options)
