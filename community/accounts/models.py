"""Account tables: users, their roles and their sessions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = ["INTERESTS", "Role", "Session", "User", "UserRole"]


class Role(StrEnum):
    SHOPPER = "SHOPPER"
    CREATOR = "CREATOR"
    CURATOR = "CURATOR"
    JUDGE = "JUDGE"
    ADMIN = "ADMIN"


# Interest categories a profile can pick; the catalog's top-level categories use the same slugs.
INTERESTS: dict[str, str] = {
    "fashion": "Fashion",
    "beauty": "Beauty",
    "electronics": "Electronics",
    "home": "Home & Living",
    "food": "Food & Drink",
    "sports": "Sports & Outdoors",
    "books": "Books",
    "kids": "Kids & Baby",
    "pets": "Pets",
    "crafts": "Handmade & Crafts",
}


class User(Model):
    id = fields.BigIntField(primary_key=True)
    username = fields.CharField(max_length=20)
    # Lower-cased copies carry the uniqueness, so "Mei" and "mei" cannot both exist.
    username_key = fields.CharField(max_length=20, unique=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=200)
    display_name = fields.CharField(max_length=40, default="")
    bio = fields.CharField(max_length=280, default="")
    avatar_url = fields.CharField(max_length=500, default="")
    interests: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "accounts_user"

    def __str__(self) -> str:
        return self.username


class UserRole(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "community.User", related_name="role_grants", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=16)
    granted_at = fields.DatetimeField()

    class Meta:
        table = "accounts_user_role"
        unique_together = (("user", "role"),)


class Session(Model):
    """A log-in. Only the SHA-256 of the bearer token is stored, so a leaked table grants
    nothing; revoking sets ``revoked_at``."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "community.User", related_name="sessions", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    revoked_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=200, default="")
    address = fields.CharField(max_length=64, default="")

    class Meta:
        table = "accounts_session"
        indexes = (("user_id",),)
