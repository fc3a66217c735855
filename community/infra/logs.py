"""Logging with the request id on every line, so a masked "Internal error (request id …)"
can be found in the log."""

from __future__ import annotations

import logging
import uuid
from contextvars import ContextVar

__all__ = ["configure", "new_request_id", "request_id"]

request_id: ContextVar[str] = ContextVar("request_id", default="-")


def new_request_id() -> str:
    rid = uuid.uuid4().hex[:16]
    request_id.set(rid)
    return rid


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure(level: str = "info") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # graphql-server logs every GraphQL error without the request id; the view logs the
    # unexpected ones itself.
    logging.getLogger("graphql_server.execution").setLevel(logging.CRITICAL)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
