"""Accounts through the service layer."""

from __future__ import annotations

import asyncio

import pytest

from community.accounts import services as accounts
from community.accounts.errors import AccountCode
from community.accounts.jobs import purge_expired_sessions
from community.accounts.models import Role, Session, User
from community.infra import clock
from community.infra.errors import CommonCode, DomainError
from tests.support import STRONG_PASSWORD, make_member


async def _refusal(awaitable) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        await awaitable
    return info.value


async def test_register_stores_an_argon2id_hash_and_a_hashed_token() -> None:
    auth = await accounts.register(
        username="Mei", email="Mei@Example.com", password=STRONG_PASSWORD
    )
    user = await User.get(id=auth.user.id)
    assert user.password_hash.startswith("$argon2id$")
    assert user.email == "mei@example.com" and user.username_key == "mei"
    session = await Session.get(user_id=user.id)
    assert session.token_hash != auth.token and len(session.token_hash) == 64
    assert (await accounts.authenticate(auth.token)).user.id == user.id


@pytest.mark.parametrize(
    ("username", "email", "password", "code", "field"),
    [
        ("x", "x@example.com", STRONG_PASSWORD, AccountCode.USERNAME_INVALID, "username"),
        ("admin", "a@example.com", STRONG_PASSWORD, AccountCode.USERNAME_INVALID, "username"),
        ("lin", "not-an-email", STRONG_PASSWORD, AccountCode.EMAIL_INVALID, "email"),
        ("lin", "lin@example.com", "short", AccountCode.PASSWORD_WEAK, "password"),
        ("lin", "lin@example.com", "password123", AccountCode.PASSWORD_WEAK, "password"),
        ("lin", "lin@example.com", "lin@example.com", AccountCode.PASSWORD_WEAK, "password"),
    ],
)
async def test_register_refuses_bad_input(
    username: str, email: str, password: str, code: AccountCode, field: str
) -> None:
    error = await _refusal(accounts.register(username=username, email=email, password=password))
    assert (error.code, error.field) == (code, field)
    assert await User.all().count() == 0


async def test_duplicate_username_and_email_are_refused_case_insensitively() -> None:
    await make_member("mei")
    error = await _refusal(
        accounts.register(username="MEI", email="other@example.com", password=STRONG_PASSWORD)
    )
    assert error.code == AccountCode.USERNAME_TAKEN
    error = await _refusal(
        accounts.register(username="other", email="MEI@example.com", password=STRONG_PASSWORD)
    )
    assert error.code == AccountCode.EMAIL_TAKEN


async def test_concurrent_registrations_of_one_name_create_one_account() -> None:
    results = await asyncio.gather(
        *[
            accounts.register(
                username="race", email=f"race{i}@example.com", password=STRONG_PASSWORD
            )
            for i in range(8)
        ],
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(r.code == AccountCode.USERNAME_TAKEN for r in results if isinstance(r, DomainError))
    assert await User.filter(username_key="race").count() == 1


async def test_login_by_username_or_email_and_wrong_password() -> None:
    await make_member("mei")
    assert (await accounts.login(login="MEI", password=STRONG_PASSWORD)).user.username == "mei"
    assert (await accounts.login(login="mei@example.com", password=STRONG_PASSWORD)).token
    error = await _refusal(accounts.login(login="mei", password="wrong password here"))
    assert error.code == AccountCode.INVALID_CREDENTIALS
    error = await _refusal(accounts.login(login="nobody", password=STRONG_PASSWORD))
    assert error.code == AccountCode.INVALID_CREDENTIALS


async def test_login_attempts_are_limited_per_account_and_per_address(settings) -> None:  # type: ignore[no-untyped-def]
    await make_member("mei")
    for _ in range(settings.login_attempts_per_account):
        await _refusal(accounts.login(login="mei", password="nope nope nope", address="10.0.0.1"))
    error = await _refusal(
        accounts.login(login="mei", password=STRONG_PASSWORD, address="10.0.0.2")
    )
    assert error.code == AccountCode.TOO_MANY_ATTEMPTS
    assert "Try again in" in error.message and "seconds" in error.message

    await make_member("lin")
    for i in range(settings.login_attempts_per_address):
        await _refusal(accounts.login(login=f"ghost{i}", password="x", address="10.9.9.9"))
    error = await _refusal(
        accounts.login(login="lin", password=STRONG_PASSWORD, address="10.9.9.9")
    )
    assert error.code == AccountCode.TOO_MANY_ATTEMPTS
    assert (await accounts.login(login="lin", password=STRONG_PASSWORD, address="10.1.1.1")).token


async def test_successful_login_resets_the_account_counter(settings) -> None:  # type: ignore[no-untyped-def]
    await make_member("mei")
    for _ in range(settings.login_attempts_per_account - 1):
        await _refusal(accounts.login(login="mei", password="nope nope nope"))
    await accounts.login(login="mei", password=STRONG_PASSWORD)
    for _ in range(settings.login_attempts_per_account - 1):
        await _refusal(accounts.login(login="mei", password="nope nope nope"))
    assert (await accounts.login(login="mei", password=STRONG_PASSWORD)).token


async def test_logout_revokes_and_expiry_ends_sessions(settings) -> None:  # type: ignore[no-untyped-def]
    member = await make_member("mei")
    auth = await accounts.authenticate(member.token)
    await accounts.logout(auth.session)
    assert (await _refusal(accounts.authenticate(member.token))).code == AccountCode.SESSION_REVOKED
    assert (await _refusal(accounts.authenticate("made-up"))).code == AccountCode.INVALID_TOKEN

    other = await make_member("lin")
    with clock.use(clock.FrozenClock()) as frozen:
        frozen.advance(days=settings.session_days, seconds=1)  # type: ignore[attr-defined]
        error = await _refusal(accounts.authenticate(other.token))
        assert error.code == AccountCode.SESSION_EXPIRED
        frozen.advance(days=31)  # type: ignore[attr-defined]
        assert await purge_expired_sessions() == 2
        assert await purge_expired_sessions() == 0  # safe to run twice


async def test_update_profile_validates_and_keeps_unsent_fields() -> None:
    member = await make_member("mei")
    user = await User.get(id=member.id)
    await accounts.update_profile(
        user, display_name="  Mei   Chen ", bio="Tea and ceramics.", interests=["home", "food"]
    )
    await accounts.update_profile(user, avatar_url="https://img.example.com/mei.png")
    fresh = await User.get(id=member.id)
    assert fresh.display_name == "Mei Chen" and fresh.bio == "Tea and ceramics."
    assert fresh.interests == ["home", "food"]
    assert fresh.avatar_url == "https://img.example.com/mei.png"

    cases = [
        ({"display_name": "x" * 41}, AccountCode.DISPLAY_NAME_INVALID, "displayName"),
        ({"bio": "x" * 281}, AccountCode.BIO_TOO_LONG, "bio"),
        ({"avatar_url": "javascript:alert(1)"}, AccountCode.URL_INVALID, "avatarUrl"),
        ({"interests": ["home", "yachts"]}, AccountCode.INTEREST_UNKNOWN, "interests"),
    ]
    for changes, code, field in cases:
        error = await _refusal(accounts.update_profile(user, **changes))
        assert (error.code, error.field) == (code, field)
    assert (await User.get(id=member.id)).bio == "Tea and ceramics."

    await accounts.update_profile(user, display_name=None, avatar_url=None)
    fresh = await User.get(id=member.id)
    assert fresh.display_name == "mei" and fresh.avatar_url == ""


async def test_grant_role_is_idempotent_and_admin_only() -> None:
    mei = await User.get(id=(await make_member("mei")).id)
    lin = await User.get(id=(await make_member("lin")).id)
    assert await accounts.grant_role(None, mei, Role.CREATOR) == {Role.SHOPPER, Role.CREATOR}
    assert await accounts.grant_role(None, mei, Role.CREATOR) == {Role.SHOPPER, Role.CREATOR}
    error = await _refusal(accounts.grant_role(lin, mei, Role.ADMIN))
    assert error.code == CommonCode.PERMISSION_DENIED
    await accounts.grant_role(None, lin, Role.ADMIN)
    assert Role.JUDGE in await accounts.grant_role(lin, mei, Role.JUDGE)
