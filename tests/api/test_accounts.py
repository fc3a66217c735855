"""The accounts API over GraphQL, as API clients and the web app use it."""

from __future__ import annotations

from community.api.context import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.support import STRONG_PASSWORD, GraphQLClient, make_member, operation

ME = operation("Me")
REGISTER = operation("Register")
LOGIN = operation("Login")
LOGOUT = operation("Logout")
UPDATE = operation("UpdateProfile")


async def test_register_login_me_logout_with_bearer_tokens(client: GraphQLClient) -> None:
    data = await client(
        REGISTER,
        {"input": {"username": "mei", "email": "mei@example.com", "password": STRONG_PASSWORD}},
    )
    assert data["register"]["errors"] == []
    assert data["register"]["user"]["username"] == "mei"
    token = data["register"]["token"]

    me = (await client(ME, token=token))["me"]
    assert me["email"] == "mei@example.com" and me["roles"] == ["SHOPPER"]
    assert (await client(ME))["me"] is None

    data = await client(LOGIN, {"input": {"login": "MEI@example.com", "password": STRONG_PASSWORD}})
    second = data["login"]["token"]
    assert second and second != token

    assert (await client(LOGOUT, token=token))["logout"]["ok"] is True
    response = await client.post(ME, token=token)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "SESSION_REVOKED"
    assert (await client(ME, token=second))["me"]["username"] == "mei"


async def test_register_errors_are_user_errors_with_fields(client: GraphQLClient) -> None:
    await make_member("mei")
    cases = [
        ({"username": "mei", "email": "x@example.com"}, "USERNAME_TAKEN", "username"),
        ({"username": "lin", "email": "mei@example.com"}, "EMAIL_TAKEN", "email"),
        ({"username": "lin", "email": "nope"}, "EMAIL_INVALID", "email"),
    ]
    for fields, code, field in cases:
        data = await client(REGISTER, {"input": {**fields, "password": STRONG_PASSWORD}})
        assert data["register"]["user"] is None and data["register"]["token"] is None
        [error] = data["register"]["errors"]
        assert (error["code"], error["field"]) == (code, field)
        assert error["message"]
    data = await client(
        REGISTER, {"input": {"username": "lin", "email": "lin@example.com", "password": "abc"}}
    )
    assert data["register"]["errors"][0]["code"] == "PASSWORD_WEAK"


async def test_wrong_password_then_too_many_attempts(client: GraphQLClient, settings) -> None:  # type: ignore[no-untyped-def]
    await make_member("mei")
    for _ in range(settings.login_attempts_per_account):
        data = await client(LOGIN, {"input": {"login": "mei", "password": "not it at all"}})
        assert data["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    data = await client(LOGIN, {"input": {"login": "mei", "password": STRONG_PASSWORD}})
    [error] = data["login"]["errors"]
    assert error["code"] == "TOO_MANY_ATTEMPTS" and "Try again in" in error["message"]


async def test_update_profile_requires_login_and_reports_field_errors(
    client: GraphQLClient,
) -> None:
    data = await client(UPDATE, {"input": {"bio": "hi"}})
    assert data["updateProfile"]["errors"][0]["code"] == "UNAUTHENTICATED"

    member = await make_member("mei")
    data = await client(
        UPDATE,
        {"input": {"displayName": "Mei Chen", "interests": ["home", "crafts"]}},
        token=member.token,
    )
    user = data["updateProfile"]["user"]
    assert user["displayName"] == "Mei Chen"
    assert [i["slug"] for i in user["interests"]] == ["home", "crafts"]

    data = await client(UPDATE, {"input": {"avatarUrl": "ftp://x"}}, token=member.token)
    assert data["updateProfile"]["errors"] == [
        {"field": "avatarUrl", "code": "URL_INVALID", "message": "Use an http(s) address."}
    ]
    profile = (await client(operation("UserProfile"), {"username": "MEI"}))["user"]
    assert profile["displayName"] == "Mei Chen" and profile["avatarUrl"] is None


async def test_web_app_cookie_session_needs_the_csrf_header(client: GraphQLClient) -> None:
    await make_member("mei")
    response = await client.post(LOGIN, {"input": {"login": "mei", "password": STRONG_PASSWORD}})
    cookies = response.cookies
    assert cookies.get(SESSION_COOKIE) and cookies.get(CSRF_COOKIE)
    assert "httponly" in response.headers["set-cookie"].lower()
    client.keep_cookies = True
    client.http.cookies.update(cookies)

    assert (await client(ME))["me"]["username"] == "mei"  # queries need no CSRF header
    refused = await client.post(UPDATE, {"input": {"bio": "csrf?"}})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    forged = await client.post(UPDATE, {"input": {"bio": "x"}}, headers={CSRF_HEADER: "forged"})
    assert forged.status_code == 403

    csrf = {CSRF_HEADER: cookies[CSRF_COOKIE]}
    data = await client(UPDATE, {"input": {"bio": "with csrf"}}, headers=csrf)
    assert data["updateProfile"]["user"]["bio"] == "with csrf"

    response = await client.post(LOGOUT, headers=csrf)
    assert response.json()["data"]["logout"]["ok"] is True
    client.http.cookies.clear()
    client.http.cookies.update(cookies)  # a stale cookie is simply "logged out"
    stale = await client.post(ME)
    assert stale.status_code == 200 and stale.json()["data"]["me"] is None


async def test_bad_authorization_headers_are_401(client: GraphQLClient) -> None:
    for header in ("Bearer not-a-real-token", "Basic abc", "Bearer"):
        response = await client.post(ME, headers={"authorization": header})
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
        assert "invalid_token" in response.headers["www-authenticate"]
