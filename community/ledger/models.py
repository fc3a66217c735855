"""Ledger tables: accounts with balances, transfers, and their postings.

A transfer's postings sum to zero, so the balances of all accounts sum to zero. Each
account's balance is the sum of its postings; only accounts that stand for money outside the
platform (the sandbox funding source, platform expenses) may go negative.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = ["Account", "AccountKind", "IdempotencyRecord", "Posting", "Transfer", "TransferKind"]


class AccountKind(StrEnum):
    WALLET = "WALLET"  # a person's spendable money
    ESCROW = "ESCROW"  # one per order: what the buyer paid, until released or refunded
    DEPOSIT = "DEPOSIT"  # a seller's security deposit
    PLATFORM_FEES = "PLATFORM_FEES"
    PLATFORM_EXPENSES = "PLATFORM_EXPENSES"  # verification micro-deposits (may go negative)
    COUPON_FUNDING = "COUPON_FUNDING"
    FUNDING_SOURCE = "FUNDING_SOURCE"  # money entering from a payment provider (negative)


class TransferKind(StrEnum):
    TOP_UP = "TOP_UP"
    PAYMENT = "PAYMENT"
    RELEASE = "RELEASE"
    REFUND = "REFUND"
    DEPOSIT_LOCK = "DEPOSIT_LOCK"
    VIOLATION_FEE = "VIOLATION_FEE"
    VERIFICATION = "VERIFICATION"


class Account(Model):
    id = fields.BigIntField(primary_key=True)
    # "wallet:12", "escrow:order:7", "deposit:12", "platform:fees", …: one key builder
    # (community.ledger.services.account_key) makes them.
    key = fields.CharField(max_length=64, unique=True)
    kind = fields.CharEnumField(AccountKind, max_length=20)
    owner_id = fields.BigIntField(null=True, db_index=True)
    balance = fields.BigIntField(default=0)
    allow_negative = fields.BooleanField(default=False)

    class Meta:
        table = "ledger_account"


class Transfer(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(TransferKind, max_length=20)
    amount = fields.BigIntField()  # the sum of the positive postings
    order_id = fields.BigIntField(null=True, db_index=True)
    memo = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_transfer"


class Posting(Model):
    id = fields.BigIntField(primary_key=True)
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "community.Transfer", related_name="postings", on_delete=fields.RESTRICT
    )
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "community.Account", related_name="postings", on_delete=fields.RESTRICT
    )
    amount = fields.BigIntField()  # negative: out of the account, positive: into it

    class Meta:
        table = "ledger_posting"


class IdempotencyRecord(Model):
    """The first outcome of a money mutation sent with an idempotency key."""

    id = fields.BigIntField(primary_key=True)
    actor_id = fields.BigIntField()
    scope = fields.CharField(max_length=40)
    key = fields.CharField(max_length=100)
    fingerprint = fields.CharField(max_length=64)
    result_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "ledger_idempotency"
        unique_together = (("actor_id", "scope", "key"),)
