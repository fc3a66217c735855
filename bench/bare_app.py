"""The baseline: a bare Starlette route that reads the JSON request and answers a fixed JSON
document (``BENCH_BARE_BODY``, the exact answer Haowu gives to the same request), served by
the same uvicorn as Haowu. No GraphQL, no database, no middleware."""

from __future__ import annotations

import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["create_app"]


def create_app() -> Starlette:
    payload = json.loads(os.environ.get("BENCH_BARE_BODY", "{}"))

    async def graphql(request: Request) -> JSONResponse:
        await request.json()
        return JSONResponse(payload)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[Route("/graphql", graphql, methods=["POST"]), Route("/health", health)]
    )
