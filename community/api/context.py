"""The per-request context: who is asking (bearer token or web cookie), their loaders and
the request id."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from starlette.requests import HTTPConnection

from community.accounts import services as accounts
from community.accounts.errors import AccountCode
from community.accounts.models import User
from community.api.dataloaders import Loaders
from community.infra.errors import CommonCode, DomainError
from community.social import feeds
from community.social.policy import Relations

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AuthFailure",
    "Context",
    "authenticate_connection",
    "clear_session_cookies",
    "set_session_cookies",
]

SESSION_COOKIE = "haowu_session"
CSRF_COOKIE = "haowu_csrf"
CSRF_HEADER = "x-csrf-token"

AuthVia = Literal["bearer", "cookie"]


class AuthFailure(Exception):
    """A bearer token that does not open a session: answered with HTTP 401."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass
class Context:
    request: HTTPConnection
    response: Any = None
    request_id: str = ""
    auth: accounts.Authenticated | None = None
    auth_via: AuthVia | None = None
    clear_cookie: bool = False
    connection_params: dict[str, Any] | None = None
    _relations: Relations | None = None

    @property
    def viewer(self) -> User | None:
        return self.auth.user if self.auth else None

    @cached_property
    def loaders(self) -> Loaders:
        """The request's dataloaders (made on first use, after authentication)."""
        return Loaders(self.viewer.id if self.viewer else None)

    def require_user(self) -> User:
        if self.auth is None:
            raise DomainError(CommonCode.UNAUTHENTICATED, "Log in first.")
        return self.auth.user

    async def relations(self) -> Relations:
        """The viewer's friends and blocks, loaded once per request (from Redis)."""
        if self._relations is None:
            self._relations = await feeds.relations(self.viewer.id if self.viewer else None)
        return self._relations

    def use_relations(self, relations: Relations) -> None:
        """Relationships the resolver already loaded (with the feed page, from Redis)."""
        self._relations = relations

    def forget_relations(self) -> None:
        """After this request changed the graph, read relationships again."""
        self._relations = None

    def has_liked(self, target: str) -> Any:
        """Whether the viewer liked ``target`` ("post:12"): a bool, or a future of it."""
        liked = self.loaders.liked
        return False if liked is None else liked.get(target)

    @property
    def client_address(self) -> str:
        return self.request.client.host if self.request.client else ""

    def csrf_ok(self) -> bool:
        """Cookie-authenticated mutations must echo the session's CSRF token in a header."""
        if self.auth_via != "cookie" or self.auth is None:
            return True
        sent = self.request.headers.get(CSRF_HEADER, "")
        return hmac.compare_digest(sent, accounts.csrf_token_for(self.auth.token))


def set_session_cookies(response: Any, token: str, max_age: int) -> None:
    """The web app's session: an HttpOnly cookie, plus a readable CSRF cookie to echo."""
    secure = False  # served over plain HTTP on localhost; a TLS proxy should add Secure
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        CSRF_COOKIE, accounts.csrf_token_for(token), max_age=max_age, samesite="lax", secure=secure
    )


def clear_session_cookies(response: Any) -> None:
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate_connection(
    conn: HTTPConnection, authorization: str | None = None
) -> tuple[accounts.Authenticated | None, AuthVia | None, bool]:
    """Who is behind a request: ``(auth, via, clear_cookie)``.

    A bad bearer token is an :class:`AuthFailure` (the client asked to be someone); a bad
    cookie just means "logged out" and asks for the cookie to be cleared.
    """
    header = authorization if authorization is not None else conn.headers.get("authorization")
    if header:
        token = _bearer(header)
        if token is None:
            raise AuthFailure(
                DomainError(AccountCode.INVALID_TOKEN, "Use 'Authorization: Bearer <token>'.")
            )
        try:
            return await accounts.authenticate(token), "bearer", False
        except DomainError as exc:
            raise AuthFailure(exc) from None
    if cookie := conn.cookies.get(SESSION_COOKIE):
        try:
            return await accounts.authenticate(cookie), "cookie", False
        except DomainError:
            return None, None, True
    return None, None, False
