"""Helpers shared by tests: a GraphQL client over ASGI and quick account setup."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

from community.accounts import services as accounts
from community.api.documents import OPERATIONS_DIR

__all__ = ["GraphQLClient", "Member", "make_member", "operation"]

_seq = itertools.count(1)
STRONG_PASSWORD = "plum blossom teapot 42"


def operation(name: str) -> str:
    """The text of a named operation the web app sends."""
    return (OPERATIONS_DIR / f"{name}.graphql").read_text()


@dataclass
class Member:
    id: int
    username: str
    token: str
    password: str = STRONG_PASSWORD

    @property
    def global_id(self) -> str:
        from community.api.relay import encode_id

        return encode_id("User", self.id)


async def make_member(username: str | None = None, **profile: Any) -> Member:
    """Register someone through the service layer (fast setup for API tests)."""
    username = username or f"member{next(_seq)}"
    auth = await accounts.register(
        username=username, email=f"{username}@example.com", password=STRONG_PASSWORD
    )
    if profile:
        await accounts.update_profile(auth.user, **profile)
    return Member(id=auth.user.id, username=username, token=auth.token)


class GraphQLClient:
    """Posts GraphQL over ASGI. Like an API client it keeps no cookies unless told to
    (``keep_cookies=True`` behaves like the web app)."""

    def __init__(self, http: httpx.AsyncClient, keep_cookies: bool = False) -> None:
        self.http = http
        self.keep_cookies = keep_cookies

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token:
            all_headers["authorization"] = f"Bearer {token}"
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        response = await self.http.post("/graphql", json=body, headers=all_headers)
        if not self.keep_cookies:
            self.http.cookies.clear()
        return response

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """Run an operation that must succeed at the GraphQL level; returns ``data``."""
        response = await self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]
