"""The ``Money`` type: integer minor units plus the deployment's currency."""

from __future__ import annotations

from typing import Any

import graphene

from community.infra import runtime

__all__ = ["Money", "format_money", "money"]

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£"}


def format_money(amount: int, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount), 100)
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{units:,}.{cents:02d}"


def money(amount: int) -> tuple[int, str]:
    return int(amount), runtime.get().settings.currency


class Money(graphene.ObjectType):
    """An amount of money. ``amount`` is in minor units (fen for CNY): 1250 is ¥12.50."""

    amount = graphene.Int(required=True, description="Minor units (fen, cents).")
    currency = graphene.String(required=True)
    formatted = graphene.String(required=True, description='For display, e.g. "¥12.50".')

    @staticmethod
    def resolve_amount(root: Any, info: Any) -> int:
        return int(root[0])

    @staticmethod
    def resolve_currency(root: Any, info: Any) -> str:
        return str(root[1])

    @staticmethod
    def resolve_formatted(root: Any, info: Any) -> str:
        return format_money(root[0], root[1])
