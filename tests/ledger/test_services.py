"""The ledger's own rules: balanced transfers, conditional debits, idempotent operations,
the sandbox provider's decline path and ``check_invariants`` itself."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.models import (
    Account,
    AccountKind,
    IdempotencyRecord,
    Posting,
    Transfer,
    TransferKind,
)
from community.ledger.providers import SandboxProvider

W = AccountKind.WALLET
ALICE, BOB = 101, 202


async def wallet(owner_id: int) -> int:
    return await ledger.balance(W, owner_id)


async def books_ok() -> None:
    assert await ledger.check_invariants() == []


async def refused(call, code: str) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        await call
    assert caught.value.code == code, caught.value
    return caught.value


# --- transfers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "legs",
    [
        [],
        [(W, ALICE, -100), (W, BOB, 99)],
        [(W, ALICE, 100)],
        [(W, ALICE, 0), (W, BOB, 0)],
    ],
    ids=["no-legs", "off-by-one", "one-sided", "all-zero"],
)
async def test_transfer_rejects_unbalanced_legs(legs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unbalanced"):
        await ledger.transfer(TransferKind.TOP_UP, legs)
    assert await Transfer.all().count() == 0
    assert await Posting.all().count() == 0
    assert await Account.filter(balance__not=0).count() == 0


async def test_a_balanced_transfer_posts_both_legs() -> None:
    await ledger.top_up(ALICE, amount=1_000)
    transfer_id = await ledger.transfer(TransferKind.PAYMENT, [(W, ALICE, -400), (W, BOB, 400)])
    assert (await Transfer.get(id=transfer_id)).amount == 400
    postings = await Posting.filter(transfer_id=transfer_id).values_list("amount", flat=True)
    assert sorted(postings) == [-400, 400]
    assert (await wallet(ALICE), await wallet(BOB)) == (600, 400)
    await books_ok()


async def test_debit_beyond_balance_is_refused_and_moves_nothing() -> None:
    await ledger.top_up(ALICE, amount=1_000)
    with pytest.raises(DomainError) as caught:
        async with in_transaction():
            await ledger.transfer(TransferKind.PAYMENT, [(W, ALICE, -1_001), (W, BOB, 1_001)])
    assert caught.value.code == "INSUFFICIENT_FUNDS"
    assert (await wallet(ALICE), await wallet(BOB)) == (1_000, 0)
    assert await Transfer.filter(kind=TransferKind.PAYMENT).count() == 0
    await books_ok()


async def test_a_later_debit_failing_rolls_back_an_earlier_one() -> None:
    """Debits run one by one: when the second is short, the first must not stick."""
    await ledger.top_up(ALICE, amount=1_000)
    await ledger.top_up(BOB, amount=100)
    with pytest.raises(DomainError) as caught:
        async with in_transaction():
            await ledger.transfer(
                TransferKind.PAYMENT,
                [(W, ALICE, -500), (W, BOB, -500), (AccountKind.PLATFORM_FEES, None, 1_000)],
            )
    assert caught.value.code == "INSUFFICIENT_FUNDS"
    assert (await wallet(ALICE), await wallet(BOB)) == (1_000, 100)
    assert await ledger.balance(AccountKind.PLATFORM_FEES) == 0
    await books_ok()


async def test_outside_accounts_may_go_negative_but_wallets_may_not() -> None:
    await ledger.transfer(
        TransferKind.VERIFICATION, [(AccountKind.PLATFORM_EXPENSES, None, -42), (W, ALICE, 42)]
    )
    assert await ledger.balance(AccountKind.PLATFORM_EXPENSES) == -42
    with pytest.raises(DomainError) as caught:
        async with in_transaction():
            await ledger.transfer(TransferKind.PAYMENT, [(W, ALICE, -43), (W, BOB, 43)])
    assert caught.value.code == "INSUFFICIENT_FUNDS"
    assert await wallet(ALICE) == 42
    await books_ok()


# --- idempotency -------------------------------------------------------------------------


async def test_replaying_a_key_returns_the_first_result_and_moves_nothing_twice() -> None:
    first = await ledger.top_up(ALICE, amount=500, idempotency_key="topup-1")
    again = await ledger.top_up(ALICE, amount=500, idempotency_key="topup-1")
    assert again == first
    assert await wallet(ALICE) == 500
    assert await Transfer.filter(kind=TransferKind.TOP_UP).count() == 1
    await books_ok()


async def test_same_key_with_other_parameters_is_refused() -> None:
    await ledger.top_up(ALICE, amount=500, idempotency_key="topup-1")
    await refused(
        ledger.top_up(ALICE, amount=600, idempotency_key="topup-1"), "IDEMPOTENCY_KEY_REUSED"
    )
    assert await wallet(ALICE) == 500
    await books_ok()


async def test_keys_belong_to_one_actor() -> None:
    mine = await ledger.top_up(ALICE, amount=500, idempotency_key="k")
    theirs = await ledger.top_up(BOB, amount=500, idempotency_key="k")
    assert mine != theirs
    assert (await wallet(ALICE), await wallet(BOB)) == (500, 500)


async def test_a_refused_operation_leaves_no_record_and_its_key_can_be_retried() -> None:
    calls = 0

    async def short() -> int:
        nonlocal calls
        calls += 1
        return await ledger.transfer(TransferKind.PAYMENT, [(W, ALICE, -100), (W, BOB, 100)])

    params = {"order": 1}
    await refused(ledger.idempotent(ALICE, "pay", "k", params, short), "INSUFFICIENT_FUNDS")
    assert await IdempotencyRecord.all().count() == 0
    await ledger.top_up(ALICE, amount=100)
    result_id, replayed = await ledger.idempotent(ALICE, "pay", "k", params, short)
    assert not replayed and (await Transfer.get(id=result_id)).kind == TransferKind.PAYMENT
    assert await ledger.idempotent(ALICE, "pay", "k", params, short) == (result_id, True)
    assert calls == 2  # the replay did not run the operation
    assert (await wallet(ALICE), await wallet(BOB)) == (0, 100)
    await books_ok()


async def test_overlong_keys_are_refused() -> None:
    await refused(
        ledger.top_up(ALICE, amount=1, idempotency_key="k" * 101), "IDEMPOTENCY_KEY_REUSED"
    )
    assert await Transfer.all().count() == 0


# --- top-ups through the sandbox provider ------------------------------------------------


@pytest.mark.parametrize("amount", [SandboxProvider.DECLINED_AMOUNT, 5_000_001])
async def test_declined_payment_moves_nothing(amount: int) -> None:
    await refused(ledger.top_up(ALICE, amount=amount, idempotency_key="d"), "PAYMENT_DECLINED")
    assert await wallet(ALICE) == 0
    assert await Transfer.all().count() == 0
    assert await IdempotencyRecord.all().count() == 0
    # The declined key was not used up: the retry with a good amount goes through.
    await ledger.top_up(ALICE, amount=1_000, idempotency_key="d")
    assert await wallet(ALICE) == 1_000
    await books_ok()


@pytest.mark.parametrize("amount", [0, -1, -10_000])
async def test_top_up_needs_a_positive_amount(amount: int) -> None:
    error = await refused(ledger.top_up(ALICE, amount=amount), "AMOUNT_INVALID")
    assert error.field == "amount"
    assert await Transfer.all().count() == 0


async def test_top_up_comes_from_the_funding_source() -> None:
    await ledger.top_up(ALICE, amount=700)
    await ledger.top_up(BOB, amount=300)
    assert await ledger.balance(AccountKind.FUNDING_SOURCE) == -1_000
    assert await ledger.balances(W, [ALICE, BOB, 999]) == {ALICE: 700, BOB: 300, 999: 0}
    await books_ok()


async def test_platform_accounts_are_split_in_shards_that_add_up() -> None:
    """Every completed order pays a fee into the platform: one row for all of them would
    queue concurrent transfers on its lock, so the account is spread over shards."""
    for n in range(40):
        await ledger.top_up(ALICE, amount=100 + n)
    rows = await Account.filter(kind=AccountKind.FUNDING_SOURCE).values_list("key", "balance")
    assert 1 < len(rows) <= ledger.SHARDS
    assert {k for k, _ in rows} <= {
        ledger.account_key(AccountKind.FUNDING_SOURCE, None, s) for s in range(ledger.SHARDS)
    }
    assert ledger.account_key(AccountKind.PLATFORM_FEES) == "platform:fees"  # shard 0
    total = sum(100 + n for n in range(40))
    assert sum(b for _, b in rows) == -total
    assert await ledger.balance(AccountKind.FUNDING_SOURCE) == -total
    assert await wallet(ALICE) == total
    await books_ok()


# --- the invariant check is not vacuous --------------------------------------------------


async def test_check_invariants_reports_tampered_books() -> None:
    await ledger.top_up(ALICE, amount=500)
    await Account.filter(key=ledger.account_key(W, ALICE)).update(balance=-5)
    problems = await ledger.check_invariants()
    assert any("sum to" in p for p in problems)
    assert any("wallet:101 is negative" in p for p in problems)
    assert any("wallet:101 balance -5 != postings 500" in p for p in problems)
