"""Shops (opening, real-name verification, security deposit), product listing rules,
variants and stock reservation, through the catalog services."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from community.accounts import services as accounts
from community.accounts.models import Role
from community.catalog import services as catalog
from community.catalog import stock
from community.catalog.models import (
    Category,
    Product,
    ProductStatus,
    Shop,
    Variant,
    VerificationStatus,
)
from community.catalog.services import VariantSpec
from community.infra import clock
from community.infra.errors import DomainError
from community.ledger import services as ledger
from community.ledger.models import AccountKind, Transfer, TransferKind
from community.orders import services as orders
from tests.support import add_address, make_member, make_product, open_ready_shop, user_of


async def refused(call, code: str) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        await call
    assert caught.value.code == code, caught.value
    return caught.value


async def ceramics() -> int:
    return (await Category.get(slug="crafts-ceramics")).id


async def new_product(user, *variants: VariantSpec, **fields):  # type: ignore[no-untyped-def]
    return await catalog.create_product(
        user,
        title=fields.pop("title", "Celadon teacup"),
        category_id=fields.pop("category_id", None) or await ceramics(),
        variants=list(variants),
        status=fields.pop("status", ProductStatus.ACTIVE),
        **fields,
    )


@pytest.fixture
async def shop_owner():  # type: ignore[no-untyped-def]
    member = await make_member("potter")
    await open_ready_shop(member)
    return await user_of(member)


def wrong(amount: int) -> int:
    """A micro-deposit amount (1–99) that is not ``amount``."""
    return amount % 99 + 1


# --- opening a shop ----------------------------------------------------------------------


async def test_opening_a_shop_makes_the_owner_a_creator_once() -> None:
    owner = await user_of(await make_member("kiln"))
    assert Role.CREATOR not in (await accounts.roles_of([owner.id]))[owner.id]
    shop = await catalog.open_shop(owner, name="  Kiln   Works ")
    assert shop.name == "Kiln Works" and shop.verification == VerificationStatus.UNVERIFIED
    assert Role.CREATOR in (await accounts.roles_of([owner.id]))[owner.id]
    await refused(catalog.open_shop(owner, name="Second shop"), "SHOP_EXISTS")
    assert await Shop.filter(owner_id=owner.id).count() == 1


# --- real-name verification --------------------------------------------------------------


async def test_verification_micro_deposit_lands_in_the_wallet() -> None:
    owner = await user_of(await make_member("kiln"))
    await catalog.open_shop(owner, name="Kiln Works")
    shop = await catalog.start_verification(owner)
    assert shop.verification == VerificationStatus.PENDING
    assert 1 <= shop.verification_amount <= 99
    assert await ledger.balance(AccountKind.WALLET, owner.id) == shop.verification_amount
    [sent] = await Transfer.filter(kind=TransferKind.VERIFICATION)
    assert sent.amount == shop.verification_amount
    # Asking again does not send a second deposit.
    again = await catalog.start_verification(owner)
    assert again.verification_amount == shop.verification_amount
    assert await Transfer.filter(kind=TransferKind.VERIFICATION).count() == 1
    assert await ledger.check_invariants() == []


async def test_confirm_before_start_is_refused() -> None:
    owner = await user_of(await make_member("kiln"))
    await catalog.open_shop(owner, name="Kiln Works")
    await refused(catalog.confirm_verification(owner, amount=5), "VERIFICATION_NOT_STARTED")


async def test_three_wrong_amounts_lock_verification_for_a_day() -> None:
    owner = await user_of(await make_member("kiln"))
    await catalog.open_shop(owner, name="Kiln Works")
    with clock.use(clock.FrozenClock()) as frozen:
        sent = (await catalog.start_verification(owner)).verification_amount
        first = await refused(
            catalog.confirm_verification(owner, amount=wrong(sent)), "VERIFICATION_MISMATCH"
        )
        assert "2 tries left" in first.message
        second = await refused(
            catalog.confirm_verification(owner, amount=wrong(sent)), "VERIFICATION_MISMATCH"
        )
        assert "1 try left" in second.message
        await refused(
            catalog.confirm_verification(owner, amount=wrong(sent)), "VERIFICATION_LOCKED"
        )
        # Locked: even the right amount is refused, and so is a new start.
        await refused(catalog.confirm_verification(owner, amount=sent), "VERIFICATION_LOCKED")
        await refused(catalog.start_verification(owner), "VERIFICATION_LOCKED")
        frozen.advance(hours=23, minutes=59)  # type: ignore[attr-defined]
        await refused(catalog.confirm_verification(owner, amount=sent), "VERIFICATION_LOCKED")
        frozen.advance(minutes=2)  # type: ignore[attr-defined]
        shop = await catalog.confirm_verification(owner, amount=sent)
    assert shop.verification == VerificationStatus.VERIFIED
    assert shop.verified_at is not None and shop.verification_attempts == 0
    await refused(catalog.confirm_verification(owner, amount=sent), "ALREADY_VERIFIED")
    await refused(catalog.start_verification(owner), "ALREADY_VERIFIED")


async def test_the_lock_gives_three_fresh_tries() -> None:
    owner = await user_of(await make_member("kiln"))
    await catalog.open_shop(owner, name="Kiln Works")
    with clock.use(clock.FrozenClock()) as frozen:
        sent = (await catalog.start_verification(owner)).verification_amount
        for code in ["VERIFICATION_MISMATCH"] * 2 + ["VERIFICATION_LOCKED"]:
            await refused(catalog.confirm_verification(owner, amount=wrong(sent)), code)
        frozen.advance(days=1, seconds=1)  # type: ignore[attr-defined]
        error = await refused(
            catalog.confirm_verification(owner, amount=wrong(sent)), "VERIFICATION_MISMATCH"
        )
        assert "2 tries left" in error.message


# --- listing rules -----------------------------------------------------------------------


async def test_listing_needs_verification_then_the_full_deposit(settings) -> None:  # type: ignore[no-untyped-def]
    owner = await user_of(await make_member("kiln"))
    shop = await catalog.open_shop(owner, name="Kiln Works")
    spec = VariantSpec(sku="CUP-1", price=1_000, stock=3)
    await refused(new_product(owner, spec), "SHOP_NOT_VERIFIED")
    sent = (await catalog.start_verification(owner)).verification_amount
    shop = await catalog.confirm_verification(owner, amount=sent)
    await refused(new_product(owner, spec), "DEPOSIT_TOO_LOW")
    required = settings.shop_deposit_required
    await ledger.top_up(owner.id, amount=required)
    await catalog.lock_deposit(owner, amount=required - 1)
    assert (await catalog.can_list(shop))[0] is False
    await refused(new_product(owner, spec), "DEPOSIT_TOO_LOW")
    assert await catalog.lock_deposit(owner, amount=1) == required
    assert await catalog.can_list(shop) == (True, "")
    await new_product(owner, spec)
    assert await Product.filter(shop_id=shop.id).count() == 1
    assert await ledger.check_invariants() == []


async def test_lock_deposit_needs_the_money_and_a_positive_amount(shop_owner) -> None:  # type: ignore[no-untyped-def]
    deposit = await ledger.balance(AccountKind.DEPOSIT, shop_owner.id)
    await refused(catalog.lock_deposit(shop_owner, amount=0), "DEPOSIT_TOO_LOW")
    await refused(catalog.lock_deposit(shop_owner, amount=10**9), "INSUFFICIENT_FUNDS")
    await ledger.top_up(shop_owner.id, amount=300)
    assert await catalog.lock_deposit(shop_owner, amount=300, idempotency_key="d") == deposit + 300
    assert await catalog.lock_deposit(shop_owner, amount=300, idempotency_key="d") == deposit + 300
    assert await ledger.check_invariants() == []


async def test_violation_fee_below_the_required_deposit_blocks_new_listings(settings) -> None:  # type: ignore[no-untyped-def]
    seller = await make_member("kiln")
    buyer = await make_member("mei")
    admin = await make_member("boss")
    s, b, a = await user_of(seller), await user_of(buyer), await user_of(admin)
    await accounts.grant_role(None, a, Role.ADMIN)
    shop = await open_ready_shop(seller)
    product = await make_product(seller, price=2_000, stock=5)
    variant = await Variant.get(product_id=product.id)
    draft = await new_product(
        s, VariantSpec(sku="NEW-2", price=900, stock=1), status=ProductStatus.DRAFT
    )
    address = await add_address(buyer)
    await ledger.top_up(b.id, amount=2_000)
    [order] = await orders.place_order(b, items=[(variant.id, 1)], address_id=address.id)
    await orders.pay(b, order.id)
    await orders.ship_order(s, order.id, carrier="SF", tracking_number="SF0042")
    await orders.request_refund(b, order.id, amount=2_000, reason="Cracked")
    await orders.respond_to_refund(s, order.id, accept=False, note="Intact when sent")
    await orders.decide_dispute(a, order.id, refund_amount=2_000, violation_fee=800)
    assert await ledger.balance(AccountKind.DEPOSIT, s.id) == settings.shop_deposit_required - 800

    for status in (ProductStatus.ACTIVE, ProductStatus.DRAFT):
        await refused(
            new_product(s, VariantSpec(sku="NEW-1", price=900, stock=1), status=status),
            "DEPOSIT_TOO_LOW",
        )
    await refused(catalog.set_product_status(s, draft.id, ProductStatus.ACTIVE), "DEPOSIT_TOO_LOW")
    # Products already listed stay listed; only new listings wait for the top-up.
    assert (await Product.get(id=product.id)).status == ProductStatus.ACTIVE

    await ledger.top_up(s.id, amount=800)
    await catalog.lock_deposit(s, amount=800)
    assert await catalog.can_list(shop) == (True, "")
    await catalog.set_product_status(s, draft.id, ProductStatus.ACTIVE)
    await new_product(s, VariantSpec(sku="NEW-1", price=900, stock=1))
    assert await ledger.check_invariants() == []


# --- product and variant validation ------------------------------------------------------

GOOD = VariantSpec(sku="CUP-1", price=1_000, stock=3)


@pytest.mark.parametrize(
    ("variants", "fields", "code"),
    [
        (
            [GOOD, VariantSpec(sku="CUP-1", price=2_000, stock=1, options={"c": "b"})],
            {},
            "SKU_TAKEN",
        ),
        ([VariantSpec(sku="CUP-0", price=0, stock=1)], {}, "PRICE_INVALID"),
        ([VariantSpec(sku="CUP-X", price=100_000_001, stock=1)], {}, "PRICE_INVALID"),
        ([VariantSpec(sku="CUP-N", price=1_000, stock=-1)], {}, "STOCK_INVALID"),
        ([], {}, "VARIANTS_INVALID"),
        ([VariantSpec(sku="bad sku!", price=1_000, stock=1)], {}, "VARIANTS_INVALID"),
        (
            [GOOD, VariantSpec(sku="CUP-2", price=1_000, stock=1)],  # same (empty) options
            {},
            "VARIANTS_INVALID",
        ),
        (
            [GOOD],
            {"image_urls": [f"https://img.example/{i}.jpg" for i in range(10)]},
            "TOO_MANY_IMAGES",
        ),
        ([GOOD], {"image_urls": ["ftp://img.example/1.jpg"]}, "INVALID_INPUT"),
        ([GOOD], {"image_urls": ["javascript:alert(1)"]}, "INVALID_INPUT"),
        ([GOOD], {"category_id": 987_654}, "CATEGORY_UNKNOWN"),
        ([GOOD], {"title": "x"}, "TITLE_INVALID"),
    ],
    ids=[
        "duplicate-sku",
        "price-zero",
        "price-too-high",
        "negative-stock",
        "no-variants",
        "sku-characters",
        "same-options",
        "ten-images",
        "ftp-image",
        "script-image",
        "unknown-category",
        "short-title",
    ],
)
async def test_invalid_product_is_refused_and_writes_nothing(
    shop_owner, variants, fields, code
) -> None:  # type: ignore[no-untyped-def]
    await refused(new_product(shop_owner, *variants, **fields), code)
    assert await Product.all().count() == 0
    assert await Variant.all().count() == 0


async def test_nine_images_are_fine(shop_owner) -> None:  # type: ignore[no-untyped-def]
    urls = [f"https://img.example/{i}.jpg" for i in range(9)]
    product = await new_product(shop_owner, GOOD, image_urls=urls)
    assert (await Product.get(id=product.id)).image_urls == urls


async def test_sku_of_another_product_is_refused_and_rolls_back(shop_owner) -> None:  # type: ignore[no-untyped-def]
    await new_product(shop_owner, GOOD)
    await refused(
        new_product(shop_owner, VariantSpec(sku="CUP-1", price=500, stock=1), title="Saucer"),
        "SKU_TAKEN",
    )
    assert await Product.all().count() == 1
    assert await Variant.all().count() == 1


async def test_update_upserts_variants_by_sku_and_deactivates_missing_ones(shop_owner) -> None:  # type: ignore[no-untyped-def]
    product = await new_product(
        shop_owner,
        VariantSpec(sku="CUP-S", price=1_500, stock=4, options={"size": "S"}),
        VariantSpec(sku="CUP-M", price=1_200, stock=2, options={"size": "M"}),
        VariantSpec(sku="CUP-L", price=2_000, stock=1, options={"size": "L"}),
    )
    assert (await Product.get(id=product.id)).price_from == 1_200
    before = {v.sku: v.id for v in await Variant.filter(product_id=product.id)}

    await catalog.update_product(
        shop_owner,
        product.id,
        title="Celadon teacup, new glaze",
        variants=[
            VariantSpec(sku="CUP-L", price=1_900, stock=6, options={"size": "L"}),
            VariantSpec(sku="CUP-S", price=1_400, stock=4, options={"size": "S"}),
            VariantSpec(sku="CUP-XL", price=2_400, stock=3, options={"size": "XL"}),
        ],
    )
    after = {v.sku: v for v in await Variant.filter(product_id=product.id)}
    assert set(after) == {"CUP-S", "CUP-M", "CUP-L", "CUP-XL"}
    assert after["CUP-S"].id == before["CUP-S"] and after["CUP-L"].id == before["CUP-L"]
    assert (after["CUP-L"].price, after["CUP-L"].stock, after["CUP-L"].position) == (1_900, 6, 0)
    assert not after["CUP-M"].is_active
    assert all(after[s].is_active for s in ("CUP-S", "CUP-L", "CUP-XL"))
    stored = await Product.get(id=product.id)
    assert stored.title == "Celadon teacup, new glaze"
    assert stored.price_from == 1_400  # the cheapest active variant, not the deactivated 1,200

    # Sending the SKU again brings the variant back.
    await catalog.update_product(
        shop_owner, product.id, variants=[VariantSpec(sku="CUP-M", price=1_100, stock=1)]
    )
    assert (await Variant.get(sku="CUP-M")).is_active
    assert (await Product.get(id=product.id)).price_from == 1_100


async def test_invalid_update_changes_nothing(shop_owner) -> None:  # type: ignore[no-untyped-def]
    product = await new_product(shop_owner, GOOD)
    await refused(
        catalog.update_product(
            shop_owner,
            product.id,
            title="Renamed cup",
            variants=[VariantSpec(sku="CUP-1", price=0, stock=1)],
        ),
        "PRICE_INVALID",
    )
    stored = await Product.get(id=product.id)
    assert stored.title == "Celadon teacup" and stored.price_from == 1_000
    assert (await Variant.get(sku="CUP-1")).price == 1_000


async def test_only_the_owner_edits_a_product(shop_owner) -> None:  # type: ignore[no-untyped-def]
    product = await new_product(shop_owner, GOOD)
    other = await user_of(await make_member("rival"))
    await refused(catalog.update_product(other, product.id, title="Mine now"), "PRODUCT_NOT_FOUND")
    await refused(
        catalog.set_product_status(other, product.id, ProductStatus.DELISTED), "PRODUCT_NOT_FOUND"
    )


# --- stock reservation -------------------------------------------------------------------


async def stocks(*skus: str) -> list[int]:
    return [(await Variant.get(sku=s)).stock for s in skus]


@pytest.fixture
async def three_variants(shop_owner):  # type: ignore[no-untyped-def]
    await new_product(
        shop_owner,
        VariantSpec(sku="A", price=1_000, stock=5, options={"c": "a"}),
        VariantSpec(sku="B", price=1_000, stock=1, options={"c": "b"}),
        VariantSpec(sku="C", price=1_000, stock=3, options={"c": "c"}),
    )
    return {v.sku: v.id for v in await Variant.all()}


async def test_reserve_stock_takes_every_line(three_variants) -> None:  # type: ignore[no-untyped-def]
    ids = three_variants
    async with in_transaction():
        await stock.reserve_stock({ids["A"]: 2, ids["B"]: 1, ids["C"]: 3})
    assert await stocks("A", "B", "C") == [3, 0, 0]
    await stock.release_stock({ids["A"]: 2, ids["C"]: 1})
    assert await stocks("A", "B", "C") == [5, 0, 1]


@pytest.mark.parametrize("short", ["B", "C"])
async def test_reserve_stock_is_all_or_nothing(three_variants, short) -> None:  # type: ignore[no-untyped-def]
    ids = three_variants
    wanted = {ids["A"]: 2, ids["B"]: 1, ids["C"]: 3}
    wanted[ids[short]] += 1
    with pytest.raises(DomainError) as caught:
        async with in_transaction():
            await stock.reserve_stock(wanted)
    assert caught.value.code == "OUT_OF_STOCK"
    assert await stocks("A", "B", "C") == [5, 1, 3]


async def test_reserve_stock_skips_inactive_variants(shop_owner, three_variants) -> None:  # type: ignore[no-untyped-def]
    ids = three_variants
    product_id = (await Variant.get(sku="A")).product_id  # type: ignore[attr-defined]
    await catalog.update_product(
        shop_owner,
        product_id,
        variants=[
            VariantSpec(sku="A", price=1_000, stock=5, options={"c": "a"}),
            VariantSpec(sku="C", price=1_000, stock=3, options={"c": "c"}),
        ],
    )
    with pytest.raises(DomainError) as caught:
        async with in_transaction():
            await stock.reserve_stock({ids["A"]: 1, ids["B"]: 1})
    assert caught.value.code == "OUT_OF_STOCK"
    assert await stocks("A", "B") == [5, 1]
