"""Password hashing (argon2id) and strength checks (zxcvbn), off the event loop."""

from __future__ import annotations

import asyncio
from functools import cache

import argon2
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

__all__ = ["MIN_LENGTH", "hash_password", "needs_rehash", "verify_password", "weakness"]

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _hasher(profile: str) -> argon2.PasswordHasher:
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


async def hash_password(password: str, profile: str) -> str:
    return await asyncio.to_thread(_hasher(profile).hash, password)


async def verify_password(stored_hash: str, password: str, profile: str) -> bool:
    def check() -> bool:
        try:
            return _hasher(profile).verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def needs_rehash(stored_hash: str, profile: str) -> bool:
    return _hasher(profile).check_needs_rehash(stored_hash)


def weakness(password: str, *, user_inputs: list[str]) -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in (s.lower() for s in user_inputs):
        return "Do not use your username or email as the password."
    result = zxcvbn(password, user_inputs=user_inputs)
    if result["score"] < 2:
        hint = result["feedback"].get("warning") or "It is too easy to guess."
        return f"{hint} Add another word or two; uncommon words are better."
    return None
