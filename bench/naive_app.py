"""The same schema behind graphql-server's plain ASGI ``GraphQL`` view: every request is
parsed and validated again, no document cache, no persisted operations, no limits, no
middleware. It authenticates the bearer token exactly as Haowu does so ``me`` resolves."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from graphql_server.asgi import GraphQL
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.websockets import WebSocket

from community.api.context import Context, authenticate_connection
from community.api.schema import schema
from community.infra import runtime
from community.settings import load_settings

__all__ = ["NaiveGraphQL", "create_app"]


class NaiveGraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        context = Context(request=request, response=response)
        context.auth, context.auth_via, _ = await authenticate_connection(request)
        return context


def create_app() -> Starlette:
    settings = load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start(settings)
        try:
            yield
        finally:
            await runtime.stop()

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    view = NaiveGraphQL(schema.graphql_schema, graphql_ide=None)
    return Starlette(routes=[Route("/graphql", view), Route("/health", health)], lifespan=lifespan)
