"""The ``haowu`` command: serve, worker, migrate, makemigrations, seed-demo, schema,
reindex, grant-role."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable

from community.settings import Settings, load_settings

__all__ = ["main"]


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from community.infra import logs

    logs.configure(settings.log_level)
    if args.workers > 1 and (settings.embedded_database or settings.embedded_redis):
        print(
            "haowu serve --workers N needs DATABASE_URL and REDIS_URL: the embedded SQLite "
            "and Redis belong to one process.",
            file=sys.stderr,
        )
        return 2
    uvicorn.run(
        "community.app:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_config=None,
        ws="websockets-sansio",
        proxy_headers=args.proxy_headers,
    )
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from community.infra import jobs, logs

    logs.configure(settings.log_level)
    jobs.build_worker(settings, own_resources=True).run()
    return 0


async def _with_runtime(settings: Settings, work: Callable[[], Awaitable[int]]) -> int:
    from community.infra import runtime

    await runtime.start(settings)
    try:
        return await work()
    finally:
        await runtime.stop()


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from community.catalog.categories import sync_categories
    from community.infra import db

    async def reference_data() -> int:
        created = await sync_categories()
        print(f"database is up to date ({created} new categories)")
        return 0

    asyncio.run(db.migrate(settings))
    return asyncio.run(_with_runtime(settings, reference_data))


def _makemigrations(settings: Settings, args: argparse.Namespace) -> int:
    from community.infra import db

    paths = asyncio.run(db.make_migrations(settings, args.name))
    print("\n".join(f"wrote {p}" for p in paths) or "no changes")
    return 0


def _seed(settings: Settings, args: argparse.Namespace) -> int:
    from community import demo

    async def work() -> int:
        created = await demo.seed(only_if_empty=args.if_empty)
        print(created and "demo community loaded" or "database already has people; left as is")
        return 0

    return asyncio.run(_with_runtime(settings, work))


def _reindex(settings: Settings, args: argparse.Namespace) -> int:
    from community.catalog import search

    async def work() -> int:
        print(f"indexed {await search.rebuild()} products")
        return 0

    return asyncio.run(_with_runtime(settings, work))


def _schema(settings: Settings, args: argparse.Namespace) -> int:
    from community.api.schema import SCHEMA_PATH, sdl

    SCHEMA_PATH.write_text(sdl())
    print(f"wrote {SCHEMA_PATH}")
    return 0


def _grant_role(settings: Settings, args: argparse.Namespace) -> int:
    from community.accounts import services
    from community.accounts.models import Role, User

    async def work() -> int:
        user = await User.get_or_none(username_key=args.username.lower())
        if user is None:
            print(f"no user named {args.username!r}", file=sys.stderr)
            return 1
        roles = await services.grant_role(None, user, Role(args.role.upper()))
        print(f"{user.username}: {', '.join(sorted(roles))}")
        return 0

    return asyncio.run(_with_runtime(settings, work))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="haowu", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the app (embedded mode runs the job worker too)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--proxy-headers", action="store_true")
    serve.set_defaults(run=_serve)
    sub.add_parser("worker", help="run scheduled jobs (with REDIS_URL)").set_defaults(run=_worker)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    make = sub.add_parser("makemigrations", help="write a migration for model changes")
    make.add_argument("--name")
    make.set_defaults(run=_makemigrations)
    seed = sub.add_parser("seed-demo", help="load a small demo community")
    seed.add_argument("--if-empty", action="store_true", help="only when nobody is registered")
    seed.set_defaults(run=_seed)
    sub.add_parser("schema", help="write graphql/schema.graphql").set_defaults(run=_schema)
    sub.add_parser("reindex", help="rebuild the search index").set_defaults(run=_reindex)
    grant = sub.add_parser("grant-role", help="grant a role to a user")
    grant.add_argument("username")
    grant.add_argument("role", choices=["creator", "curator", "judge", "admin"])
    grant.set_defaults(run=_grant_role)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return int(args.run(load_settings(), args))


if __name__ == "__main__":
    sys.exit(main())
