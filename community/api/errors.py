"""How refusals reach clients.

Mutations return ``errors: [UserError!]!``; :class:`Mutation` is the one base that turns a
:class:`DomainError` into that list. A DomainError raised in a query field becomes a GraphQL
error that keeps its message and carries ``extensions.code``; every other exception is masked
by the view as "Internal error" with a request id.
"""

from __future__ import annotations

from typing import Any

import graphene

from community.accounts.errors import AccountCode
from community.catalog.errors import CatalogCode
from community.infra.errors import CommonCode, DomainError
from community.ledger.errors import LedgerCode
from community.orders.errors import OrderCode
from community.ratings.errors import RatingCode
from community.social.errors import SocialCode

__all__ = ["ErrorCode", "Mutation", "UserError", "user_error"]

DOMAIN_CODES = (CommonCode, AccountCode, LedgerCode, CatalogCode, OrderCode, RatingCode, SocialCode)

# A code name used by two domains (e.g. TOO_MANY_IMAGES) means the same thing in both.
ErrorCode = graphene.Enum(
    "ErrorCode",
    list({member.name: member.value for enum in DOMAIN_CODES for member in enum}.items()),
    description="Why a mutation was refused.",
)


class UserError(graphene.ObjectType):
    """An expected refusal: what went wrong, with which input field."""

    field = graphene.String(description="The input field at fault (camelCase), if any.")
    code = graphene.Field(ErrorCode, required=True)
    message = graphene.String(required=True)


def user_error(exc: DomainError) -> UserError:
    return UserError(field=exc.field, code=exc.code.value, message=exc.message)


class Mutation(graphene.Mutation):
    """Base of every mutation: ``perform`` returns the payload; a DomainError becomes errors.

    The payload type is named ``<Mutation>Payload`` and always has ``errors``.
    """

    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(UserError), required=True)

    @classmethod
    def __init_subclass_with_meta__(cls, name: str | None = None, **options: Any) -> None:
        super().__init_subclass_with_meta__(name=name or f"{cls.__name__}Payload", **options)

    @classmethod
    async def mutate(cls, root: Any, info: graphene.ResolveInfo, **kwargs: Any) -> Any:
        try:
            payload = await cls.perform(info, **kwargs)
        except DomainError as exc:
            return cls(errors=[user_error(exc)])
        if payload.errors is None:
            payload.errors = []
        return payload

    @classmethod
    async def perform(cls, info: graphene.ResolveInfo, **kwargs: Any) -> Any:
        raise NotImplementedError
