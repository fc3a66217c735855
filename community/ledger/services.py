"""Moving money: balanced transfers between ledger accounts, and idempotent operations.

Call :func:`transfer` inside the caller's transaction. Debits are conditional updates
(the balance must cover them, in the statement's WHERE clause), so two racing debits can
never overdraw an account, on SQLite or PostgreSQL, without reading balances into Python.
The hot statements are hand-written (:mod:`community.infra.sql`): a transfer is three of
them whatever its number of legs.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache

from tortoise.transactions import in_transaction

from community.infra import clock, db, sql
from community.infra.errors import DomainError
from community.ledger.errors import LedgerCode
from community.ledger.models import (
    Account,
    AccountKind,
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

# Accounts standing for money outside the platform; all others stay >= 0.
_MAY_GO_NEGATIVE = {AccountKind.FUNDING_SOURCE, AccountKind.PLATFORM_EXPENSES}
# The platform's own accounts take a leg of very many transfers (every completed order pays a
# fee, every top-up draws on the funding source). Each is split into SHARDS rows and a
# transfer posts to one at random, so concurrent transfers don't queue on one row lock; the
# account's balance is the sum of its shards.
SHARDS = 16
_SHARDED = {
    AccountKind.PLATFORM_FEES,
    AccountKind.PLATFORM_EXPENSES,
    AccountKind.COUPON_FUNDING,
    AccountKind.FUNDING_SOURCE,
}


def account_key(kind: AccountKind, owner_id: int | None = None, shard: int = 0) -> str:
    """The one place account keys are built (``shard``: which row of a platform account)."""
    match kind:
        case AccountKind.WALLET:
            return f"wallet:{owner_id}"
        case AccountKind.ESCROW:
            return f"escrow:order:{owner_id}"
        case AccountKind.DEPOSIT:
            return f"deposit:{owner_id}"
        case AccountKind.PLATFORM_FEES:
            base = "platform:fees"
        case AccountKind.PLATFORM_EXPENSES:
            base = "platform:expenses"
        case AccountKind.COUPON_FUNDING:
            base = "platform:coupons"
        case AccountKind.FUNDING_SOURCE:
            base = "funding:sandbox"
        case _:
            raise ValueError(kind)
    return f"{base}:{shard}" if shard else base


def _keys(kind: AccountKind, owner_id: int | None) -> list[str]:
    """Every row of an account: its shards for a platform account, else the one."""
    shards = range(SHARDS) if kind in _SHARDED else range(1)
    return [account_key(kind, owner_id, s) for s in shards]


Leg = tuple[AccountKind, int | None, int]  # (kind, owner id, signed amount)


_UPSERT = (
    'INSERT INTO ledger_account ("key", kind, owner_id, balance, allow_negative) VALUES {values} '
    'ON CONFLICT ("key") DO UPDATE SET balance = ledger_account.balance + excluded.balance '
    "WHERE ledger_account.allow_negative OR ledger_account.balance + excluded.balance >= 0 "
    'RETURNING id, "key", balance, allow_negative'
)


def _legs(accounts: int, first: int) -> str:
    return ", ".join(
        "(" + ", ".join(f"${first + n * 5 + c}" for c in range(5)) + ")" for n in range(accounts)
    )


@lru_cache(maxsize=16)
def _post_sql(accounts: int) -> str:
    """Every leg in one statement: an account is created by its first posting, and a debit
    only happens when the balance covers it (the WHERE of the upsert); a refused leg returns
    no row."""
    return _UPSERT.format(values=_legs(accounts, 1))


@lru_cache(maxsize=16)
def _transfer_sql(accounts: int) -> str:
    """PostgreSQL: the whole transfer in one statement. The legs are posted as in
    :func:`_post_sql`; the transfer row and its postings are written only when every leg
    went through (the caller's transaction rolls the legs back otherwise)."""
    amounts = ", ".join(f"(${6 + n * 5}, ${9 + n * 5})" for n in range(accounts))
    return (
        f"WITH legs AS ({_UPSERT.format(values=_legs(accounts, 6))}), "
        "t AS (INSERT INTO ledger_transfer (kind, amount, order_id, memo, created_at) "
        "SELECT CAST($1 AS VARCHAR), CAST($2 AS BIGINT), CAST($3 AS BIGINT), "
        "CAST($4 AS VARCHAR), CAST($5 AS TIMESTAMPTZ) FROM legs "
        f"HAVING count(*) = {accounts} AND bool_and(balance >= 0 OR allow_negative) "
        "RETURNING id), "
        "p AS (INSERT INTO ledger_posting (transfer_id, account_id, amount) "
        f'SELECT t.id, legs.id, m.amount FROM t, legs JOIN (VALUES {amounts}) AS m("key", amount) '
        'ON m."key" = legs."key") '
        "SELECT legs.*, (SELECT id FROM t) AS transfer_id FROM legs"
    )


async def transfer(
    kind: TransferKind, legs: Sequence[Leg], *, order_id: int | None = None, memo: str = ""
) -> int:
    """Post one balanced transfer inside the caller's transaction; returns its id.

    Three statements whatever the number of legs (one on PostgreSQL): the balances
    (conditional debits and credits in one upsert), the transfer row and its postings.
    Raises INSUFFICIENT_FUNDS, and the caller's transaction must roll back, when a debit
    would take an account that may not go negative below zero."""
    moves: dict[str, tuple[AccountKind, int | None, int]] = {}
    shard = random.randrange(SHARDS)
    for kind_, owner, amount in legs:
        k = account_key(kind_, owner, shard if kind_ in _SHARDED else 0)
        moves[k] = (kind_, owner, amount + (moves[k][2] if k in moves else 0))
    # Sorted by key, so concurrent transfers lock their accounts in one order.
    keys = sorted(k for k, m in moves.items() if m[2])
    if not keys or sum(moves[k][2] for k in keys) != 0:
        raise ValueError(f"unbalanced transfer: {list(legs)}")
    args: list[object] = []
    for k in keys:
        kind_, owner, amount = moves[k]
        args += [k, kind_.value, owner, amount, kind_ in _MAY_GO_NEGATIVE]
    now = clock.now()
    total = sum(moves[k][2] for k in keys if moves[k][2] > 0)
    postgres = db.is_postgres()
    if postgres:
        head = [kind.value, total, order_id, memo[:200], now]
        rows = {r["key"]: r for r in await sql.fetch(_transfer_sql(len(keys)), *head, *args)}
    else:
        rows = {r["key"]: r for r in await sql.fetch(_post_sql(len(keys)), *args)}
    # A missing row is a refused debit; a negative one is a debit that created the account.
    if len(rows) != len(keys) or any(
        r["balance"] < 0 and not r["allow_negative"] for r in rows.values()
    ):
        raise DomainError(LedgerCode.INSUFFICIENT_FUNDS, "Not enough money in the account.")
    if postgres:
        return int(next(iter(rows.values()))["transfer_id"])
    record = {"kind": kind, "amount": total, "order_id": order_id, "memo": memo[:200]}
    (created,) = await sql.insert(Transfer, [{**record, "created_at": now}], returning="id")
    await sql.insert(
        Posting,
        [
            {"transfer_id": created["id"], "account_id": rows[k]["id"], "amount": moves[k][2]}
            for k in keys
        ],
    )
    return int(created["id"])


async def balance(kind: AccountKind, owner_id: int | None = None) -> int:
    rows = await Account.filter(key__in=_keys(kind, owner_id)).values_list("balance", flat=True)
    return int(sum(rows))


async def balances(kind: AccountKind, owner_ids: Sequence[int]) -> dict[int, int]:
    """Balances of many owners' accounts of one kind, in one query (0 when none yet)."""
    keys = {k: o for o in owner_ids for k in _keys(kind, o)}
    found = {o: 0 for o in owner_ids}
    for key, value in await Account.filter(key__in=list(keys)).values_list("key", "balance"):
        found[keys[key]] += int(value)
    return found


def _fingerprint(params: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


async def idempotent(
    actor_id: int,
    scope: str,
    key: str | None,
    params: dict[str, object],
    operation: Callable[[], Awaitable[int]],
    *,
    result_id: int | None = None,
) -> tuple[int, bool]:
    """Run ``operation`` (which returns the id of its result) at most once per key.

    Returns ``(result_id, replayed)``. The record is written in the operation's own
    transaction, so a refused operation leaves no record and may be retried with its key; a
    replay with other parameters is IDEMPOTENCY_KEY_REUSED. Pass ``result_id`` when it is
    known before the operation runs (an order's own id): the record is then written whole
    at once.
    """
    if not key:
        async with in_transaction():
            return await operation(), False
    if len(key) > 100:
        raise DomainError(
            LedgerCode.IDEMPOTENCY_KEY_REUSED, "Idempotency keys are at most 100 characters."
        )
    fingerprint = _fingerprint(params)
    async with in_transaction():
        # A racing request with the same key waits here until the first one commits.
        claimed = await sql.fetch(_CLAIM, actor_id, scope, key, fingerprint, result_id, clock.now())
        if claimed:
            produced = await operation()
            if result_id is None:
                await sql.execute(_RESULT, produced, claimed[0]["id"])
            return produced, False
    first = await sql.fetchrow(_FIRST, actor_id, scope, key)
    assert first is not None and first["result_id"] is not None
    if first["fingerprint"] != fingerprint:
        raise DomainError(
            LedgerCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was already used for a different request.",
        )
    return int(first["result_id"]), True


_CLAIM = (
    'INSERT INTO ledger_idempotency (actor_id, scope, "key", fingerprint, result_id, created_at) '
    'VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (actor_id, scope, "key") DO NOTHING RETURNING id'
)
_RESULT = "UPDATE ledger_idempotency SET result_id = $1 WHERE id = $2"
_FIRST = (
    "SELECT fingerprint, result_id FROM ledger_idempotency "
    'WHERE actor_id = $1 AND scope = $2 AND "key" = $3'
)


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
        return await transfer(
            TransferKind.TOP_UP,
            [
                (AccountKind.FUNDING_SOURCE, None, -charge.amount),
                (AccountKind.WALLET, actor_id, charge.amount),
            ],
            memo=f"{provider().name} {charge.reference}",
        )

    transfer_id, _ = await idempotent(actor_id, "top_up", idempotency_key, {"amount": amount}, run)
    return transfer_id
