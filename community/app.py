"""The ASGI application: GraphQL at /graphql (HTTP, GraphiQL, WebSocket), /health, and the
web app from ``frontend/``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import connections

from community.api.documents import DocumentCache, PersistedOperations
from community.api.limits import Limits
from community.api.schema import schema
from community.api.view import HaowuGraphQL
from community.infra import jobs, runtime
from community.middleware import BodyLimitMiddleware, RequestIdMiddleware
from community.settings import Settings, load_settings

__all__ = ["create_app"]

log = logging.getLogger(__name__)

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"


async def health(request: Request) -> JSONResponse:
    """Database and Redis status; 503 when either is down."""
    status: dict[str, object] = {}
    try:
        await connections.get("default").execute_query("SELECT 1")
        status["database"] = {"ok": True}
    except Exception as exc:
        status["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        await runtime.get().redis.ping()
        status["redis"] = {"ok": True}
    except Exception as exc:
        status["redis"] = {"ok": False, "error": type(exc).__name__}
    settings: Settings = request.app.state.settings
    status["mode"] = {
        "database": "sqlite" if settings.embedded_database else "postgres",
        "redis": "embedded" if settings.embedded_redis else "server",
        "worker": "in-process" if settings.worker_in_process else "separate",
    }
    ok = all(v.get("ok") for v in status.values() if isinstance(v, dict) and "ok" in v)
    status["ok"] = ok
    return JSONResponse(status, status_code=200 if ok else 503)


async def web_app(request: Request) -> Response:
    return FileResponse(FRONTEND / "index.html", headers={"cache-control": "no-cache"})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    operations = PersistedOperations()
    documents = DocumentCache(
        schema.graphql_schema,
        Limits(settings.max_query_depth, settings.max_query_cost, settings.max_aliases),
    )
    graphql = HaowuGraphQL(schema.graphql_schema, documents, operations)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await runtime.start(settings)
        worker_task = None
        if settings.worker_in_process:
            worker = jobs.build_worker(settings, own_resources=False)
            worker_task = asyncio.create_task(worker.async_run(), name="arq-worker")
        try:
            yield
        finally:
            if worker_task is not None:
                worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await worker_task
                await worker.close()
            await runtime.stop()

    async def operations_manifest(request: Request) -> JSONResponse:
        return JSONResponse(operations.manifest(), headers={"cache-control": "no-cache"})

    routes = [
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/health", health),
        Route("/operations.json", operations_manifest),
        Mount("/static", StaticFiles(directory=FRONTEND), name="static"),
        Route("/{path:path}", web_app),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
    )
    app.state.settings = settings
    return app
