import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from community.accounts.models import Role


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="User",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("username", fields.CharField(max_length=20)),
                ("username_key", fields.CharField(unique=True, max_length=20)),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("password_hash", fields.CharField(max_length=200)),
                ("display_name", fields.CharField(default="", max_length=40)),
                ("bio", fields.CharField(default="", max_length=280)),
                ("avatar_url", fields.CharField(default="", max_length=500)),
                (
                    "interests",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "accounts_user", "app": "community", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Session",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "community.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "expires_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("user_agent", fields.CharField(default="", max_length=200)),
                ("address", fields.CharField(default="", max_length=64)),
            ],
            options={
                "table": "accounts_session",
                "app": "community",
                "pk_attr": "id",
                "table_description": "A log-in. Only the SHA-256 of the bearer token is stored, so a leaked table grants",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="UserRole",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "user",
                    fields.ForeignKeyField(
                        "community.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="role_grants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="SHOPPER: SHOPPER\nCREATOR: CREATOR\nCURATOR: CURATOR\nJUDGE: JUDGE\nADMIN: ADMIN",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("granted_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "accounts_user_role",
                "app": "community",
                "unique_together": (("user", "role"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
