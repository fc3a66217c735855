"""Payment providers bring money onto the platform (wallet top-ups).

:class:`PaymentProvider` is the interface a real provider implements; :class:`SandboxProvider`
approves every charge within its limit, so the whole marketplace runs without real money.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol

from community.infra.errors import DomainError
from community.ledger.errors import LedgerCode

__all__ = ["Charge", "PaymentProvider", "SandboxProvider", "provider"]


@dataclass(frozen=True)
class Charge:
    reference: str
    amount: int


class PaymentProvider(Protocol):
    name: str

    async def charge(self, *, user_id: int, amount: int, idempotency_key: str) -> Charge:
        """Take ``amount`` minor units from the person's external payment method."""
        ...


class SandboxProvider:
    """Approves any charge up to ``limit``; a charge of exactly 4_040_404 (¥40,404.04) is
    declined so clients can exercise the failure path."""

    name = "sandbox"
    DECLINED_AMOUNT = 4_040_404

    def __init__(self, limit: int = 5_000_000) -> None:
        self.limit = limit

    async def charge(self, *, user_id: int, amount: int, idempotency_key: str) -> Charge:
        if amount == self.DECLINED_AMOUNT or amount > self.limit:
            raise DomainError(LedgerCode.PAYMENT_DECLINED, "The payment was declined.", "amount")
        return Charge(reference=f"sbx_{secrets.token_hex(8)}", amount=amount)


_provider: PaymentProvider = SandboxProvider()


def provider() -> PaymentProvider:
    return _provider
