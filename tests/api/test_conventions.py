"""API conventions every domain relies on: global IDs and node, limits, error masking,
request size, persisted operations, GET queries and GraphiQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import graphene
import httpx
import pytest

from community.api.relay import encode_id
from community.app import create_app
from tests.support import GraphQLClient, make_member, operation


async def test_node_resolves_users_by_global_id(client: GraphQLClient) -> None:
    member = await make_member("mei")
    data = await client(
        "query($id: ID!) { node(id: $id) { id ... on User { username } } }",
        {"id": member.global_id},
    )
    assert data["node"] == {"id": member.global_id, "username": "mei"}
    missing = await client(
        "query($id: ID!) { node(id: $id) { id } }", {"id": encode_id("User", 999)}
    )
    assert missing["node"] is None


@pytest.mark.parametrize(
    "global_id", ["%%%", "bm90LWFuLWlk", encode_id("Nope", 1), encode_id("User", "x")]
)
async def test_malformed_or_unknown_global_ids_are_invalid_id(
    client: GraphQLClient, global_id: str
) -> None:
    response = await client.post("query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_ID"
    assert "Internal" not in error["message"]


async def test_an_id_of_the_wrong_type_is_refused(client: GraphQLClient) -> None:
    response = await client.post(
        "query($id: ID!) { user(id: $id) { id } }", {"id": encode_id("Session", 1)}
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_ID"
    assert "Expected the ID of a User" in error["message"]


@pytest.fixture
async def strict_client(settings) -> AsyncIterator[GraphQLClient]:  # type: ignore[no-untyped-def]
    """A client of an app with tiny limits, so today's small schema can cross them."""
    app = create_app(settings.with_(max_query_depth=2, max_query_cost=12, max_aliases=2))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)


async def test_depth_cost_and_alias_limits(strict_client: GraphQLClient) -> None:
    assert (await strict_client("{ me { id } }"))["me"] is None
    cases = {
        "{ me { interests { slug } } }": "QUERY_TOO_DEEP",
        "{ a: me { id } b: me { id } c: me { id } }": "TOO_MANY_ALIASES",
        "{ interests { slug name } i2: interests { slug name } me { id bio roles email } "
        "x: me { username displayName } }": "QUERY_TOO_COSTLY",
        # Fragments count where they are spread.
        "query { me { ...F } } fragment F on User { interests { slug } }": "QUERY_TOO_DEEP",
    }
    for query, code in cases.items():
        response = await strict_client.post(query)
        assert response.status_code == 200
        codes = [e["extensions"]["code"] for e in response.json()["errors"]]
        assert code in codes, (query, codes)
        assert response.json().get("data") is None  # refused before execution


def test_page_arguments_multiply_the_cost() -> None:
    from graphql import parse

    from community.api.limits import Limits, check

    limits = Limits(max_depth=10, max_cost=300, max_aliases=10)  # first:100 costs 401
    cheap = parse("{ items(first: 10) { edges { node { id name } } } }")
    costly = parse("{ items(first: 100) { edges { node { id name } } } }")
    unbounded = parse("query($n: Int) { items(first: $n) { edges { node { id name } } } }")
    assert check(cheap, limits) == []
    assert [e.extensions["code"] for e in check(costly, limits)] == ["QUERY_TOO_COSTLY"]
    assert [e.extensions["code"] for e in check(unbounded, limits)] == ["QUERY_TOO_COSTLY"]


async def test_unexpected_exceptions_are_masked_with_a_request_id(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from community.api.accounts.schema import AccountQueries

    def boom(root, info):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(AccountQueries, "resolve_interests", staticmethod(boom))
    # graphene bound the resolver at schema build; patch the field's resolver instead.
    from community.api.schema import schema

    field = schema.graphql_schema.query_type.fields["interests"]  # type: ignore[union-attr]
    monkeypatch.setattr(field, "resolve", boom)
    response = await client.post("{ interests { slug } }")
    [error] = response.json()["errors"]
    rid = response.headers["x-request-id"]
    assert error["message"] == f"Internal error (request id {rid})."
    assert error["extensions"] == {"code": "INTERNAL", "requestId": rid}
    assert "secret" not in response.text and "Traceback" not in response.text
    assert any(rid in (getattr(r, "request_id", "") or "") for r in caplog.records) or any(
        "secret database detail" in r.getMessage() or r.exc_info for r in caplog.records
    )


async def test_http_level_errors_are_clear(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    http = client.http
    bad_json = await http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400 and "JSON" in bad_json.text
    wrong_type = await http.post(
        "/graphql", content=b"query", headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 400 and "content type" in wrong_type.text.lower()
    too_big = await http.post(
        "/graphql",
        content=b'{"query":"' + b" " * settings.max_body_bytes + b'{ me { id } }"}',
        headers={"content-type": "application/json"},
    )
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    mutation_by_get = await http.get("/graphql", params={"query": "mutation { logout { ok } }"})
    assert mutation_by_get.status_code == 400 and "mutation" in mutation_by_get.text.lower()


async def test_get_queries_graphiql_and_health(client: GraphQLClient) -> None:
    http = client.http
    response = await http.get("/graphql", params={"query": "{ interests { slug } }"})
    assert response.status_code == 200 and response.json()["data"]["interests"]
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    health = (await http.get("/health")).json()
    assert health["ok"] is True and health["database"]["ok"] and health["redis"]["ok"]


async def test_persisted_operations_by_document_id(client: GraphQLClient) -> None:
    member = await make_member("mei")
    manifest = (await client.http.get("/operations.json")).json()
    assert {"Me", "Login", "Register", "UpdateProfile"} <= set(manifest)
    response = await client.http.post(
        "/graphql",
        json={"documentId": manifest["Me"]},
        headers={"authorization": f"Bearer {member.token}"},
    )
    assert response.json()["data"]["me"]["username"] == "mei"
    unknown = await client.http.post("/graphql", json={"documentId": "sha256:00"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert operation("Me")  # the files are the source of the manifest


def test_error_code_enum_has_every_domain_code() -> None:
    from community.accounts.errors import AccountCode
    from community.api.errors import ErrorCode
    from community.infra.errors import CommonCode

    names = {m.name for m in ErrorCode._meta.enum}  # type: ignore[attr-defined]
    assert {m.name for m in AccountCode} | {m.name for m in CommonCode} <= names
    assert isinstance(ErrorCode, type) and issubclass(ErrorCode, graphene.Enum)
