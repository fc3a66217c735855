"""Error codes of the ledger."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LedgerCode"]


class LedgerCode(StrEnum):
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    AMOUNT_INVALID = "AMOUNT_INVALID"
    PAYMENT_DECLINED = "PAYMENT_DECLINED"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
