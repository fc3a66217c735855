"""Moving money: balanced transfers between ledger accounts, and idempotent operations.

Call :func:`transfer` inside the caller's transaction. Debits are conditional updates
(``balance >= amount`` in the WHERE clause), so two racing debits can never overdraw an
account, on SQLite or PostgreSQL, without reading balances into Python.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from community.infra import clock
from community.infra.errors import DomainError
from community.ledger.errors import LedgerCode
from community.ledger.models import (
    Account,
    AccountKind,
    IdempotencyRecord,
    Posting,
    Transfer,
    TransferKind,
)

__all__ = [
    "account_key",
    "balance",
    "balances",
    "check_invariants",
    "top_up",
    "idempotent",
    "transfer",
]

T = TypeVar("T")

# Accounts standing for money outside the platform; all others stay >= 0.
_MAY_GO_NEGATIVE = {AccountKind.FUNDING_SOURCE, AccountKind.PLATFORM_EXPENSES}


def account_key(kind: AccountKind, owner_id: int | None = None) -> str:
    """The one place account keys are built."""
    match kind:
        case AccountKind.WALLET:
            return f"wallet:{owner_id}"
        case AccountKind.ESCROW:
            return f"escrow:order:{owner_id}"
        case AccountKind.DEPOSIT:
            return f"deposit:{owner_id}"
        case AccountKind.PLATFORM_FEES:
            return "platform:fees"
        case AccountKind.PLATFORM_EXPENSES:
            return "platform:expenses"
        case AccountKind.COUPON_FUNDING:
            return "platform:coupons"
        case AccountKind.FUNDING_SOURCE:
            return f"funding:{owner_id or 'sandbox'}"
    raise ValueError(kind)


Leg = tuple[AccountKind, int | None, int]  # (kind, owner id, signed amount)


async def _account_ids(legs: Sequence[Leg]) -> dict[str, int]:
    keys = {account_key(kind, owner): (kind, owner) for kind, owner, _ in legs}
    found = dict(await Account.filter(key__in=list(keys)).values_list("key", "id"))
    missing = [k for k in keys if k not in found]
    if missing:
        await Account.bulk_create(
            [
                Account(
                    key=k,
                    kind=keys[k][0],
                    owner_id=keys[k][1],
                    allow_negative=keys[k][0] in _MAY_GO_NEGATIVE,
                )
                for k in missing
            ],
            ignore_conflicts=True,
        )
        found = dict(await Account.filter(key__in=list(keys)).values_list("key", "id"))
    return found  # type: ignore[return-value]


async def transfer(
    kind: TransferKind, legs: Sequence[Leg], *, order_id: int | None = None, memo: str = ""
) -> Transfer:
    """Post one balanced transfer. Raises INSUFFICIENT_FUNDS (and the caller's transaction
    must roll back) when a debit would take a non-negative account below zero."""
    legs = [leg for leg in legs if leg[2] != 0]
    if sum(amount for _, _, amount in legs) != 0 or not legs:
        raise ValueError(f"unbalanced transfer: {legs}")
    ids = await _account_ids(legs)
    # Debits first, in key order, so concurrent transfers lock rows in one order.
    for kind_, owner, amount in sorted(legs, key=lambda leg: (leg[2] > 0, account_key(*leg[:2]))):
        key = account_key(kind_, owner)
        rows = Account.filter(id=ids[key])
        if amount < 0:
            rows = rows.filter(balance__gte=-amount) if kind_ not in _MAY_GO_NEGATIVE else rows
        if await rows.update(balance=F("balance") + amount) != 1:
            raise DomainError(LedgerCode.INSUFFICIENT_FUNDS, "Not enough money in the account.")
    record = await Transfer.create(
        kind=kind,
        amount=sum(a for _, _, a in legs if a > 0),
        order_id=order_id,
        memo=memo[:200],
        created_at=clock.now(),
    )
    await Posting.bulk_create(
        [
            Posting(transfer_id=record.id, account_id=ids[account_key(k, o)], amount=a)
            for k, o, a in legs
        ]
    )
    return record


async def balance(kind: AccountKind, owner_id: int | None = None) -> int:
    value = await Account.filter(key=account_key(kind, owner_id)).values_list("balance", flat=True)
    return int(value[0]) if value else 0


async def balances(kind: AccountKind, owner_ids: Sequence[int]) -> dict[int, int]:
    """Balances of many owners' accounts of one kind, in one query (0 when none yet)."""
    rows = await Account.filter(key__in=[account_key(kind, o) for o in owner_ids]).values_list(
        "owner_id", "balance"
    )
    found = {int(o): int(b) for o, b in rows}
    return {o: found.get(o, 0) for o in owner_ids}


def _fingerprint(params: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


async def idempotent(
    actor_id: int,
    scope: str,
    key: str | None,
    params: dict[str, object],
    operation: Callable[[], Awaitable[int]],
) -> tuple[int, bool]:
    """Run ``operation`` (which returns the id of its result) at most once per key.

    Returns ``(result_id, replayed)``. The record is written in the operation's own
    transaction, so a refused operation leaves no record and may be retried with its key; a
    replay with other parameters is IDEMPOTENCY_KEY_REUSED.
    """
    if not key:
        async with in_transaction():
            return await operation(), False
    if len(key) > 100:
        raise DomainError(
            LedgerCode.IDEMPOTENCY_KEY_REUSED, "Idempotency keys are at most 100 characters."
        )
    fingerprint = _fingerprint(params)
    try:
        async with in_transaction():
            record = await IdempotencyRecord.create(
                actor_id=actor_id,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                created_at=clock.now(),
            )
            result_id = await operation()
            await IdempotencyRecord.filter(id=record.id).update(result_id=result_id)
            return result_id, False
    except IntegrityError:
        pass
    first = await IdempotencyRecord.get(actor_id=actor_id, scope=scope, key=key)
    if first.fingerprint != fingerprint:
        raise DomainError(
            LedgerCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
        )
    assert first.result_id is not None
    return first.result_id, True


async def check_invariants() -> list[str]:
    """Every broken ledger rule (empty when the books are right). Used by tests and ops."""
    problems: list[str] = []
    accounts = await Account.all().values("id", "key", "balance", "allow_negative")
    if (total := sum(a["balance"] for a in accounts)) != 0:
        problems.append(f"balances sum to {total}, not 0")
    sums: dict[int, int] = {}
    for account_id, amount in await Posting.all().values_list("account_id", "amount"):
        sums[account_id] = sums.get(account_id, 0) + amount
    for a in accounts:
        if a["balance"] < 0 and not a["allow_negative"]:
            problems.append(f"{a['key']} is negative: {a['balance']}")
        if sums.get(a["id"], 0) != a["balance"]:
            problems.append(f"{a['key']} balance {a['balance']} != postings {sums.get(a['id'], 0)}")
    per_transfer: dict[int, int] = {}
    for transfer_id, amount in await Posting.all().values_list("transfer_id", "amount"):
        per_transfer[transfer_id] = per_transfer.get(transfer_id, 0) + amount
    problems += [f"transfer {t} sums to {s}" for t, s in per_transfer.items() if s != 0]
    return problems


async def top_up(actor_id: int, *, amount: int, idempotency_key: str | None = None) -> int:
    """Add money to the actor's wallet from the payment provider; returns the transfer id."""
    from community.ledger.providers import provider

    if amount <= 0:
        raise DomainError(LedgerCode.AMOUNT_INVALID, "Top up a positive amount.", "amount")

    async def run() -> int:
        charge = await provider().charge(
            user_id=actor_id, amount=amount, idempotency_key=idempotency_key or ""
        )
        record = await transfer(
            TransferKind.TOP_UP,
            [
                (AccountKind.FUNDING_SOURCE, None, -charge.amount),
                (AccountKind.WALLET, actor_id, charge.amount),
            ],
            memo=f"{provider().name} {charge.reference}",
        )
        return record.id

    transfer_id, _ = await idempotent(actor_id, "top_up", idempotency_key, {"amount": amount}, run)
    return transfer_id
