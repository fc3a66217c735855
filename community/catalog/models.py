"""Catalog tables: categories, shops, products and variants."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = ["Category", "Product", "ProductStatus", "Shop", "Variant", "VerificationStatus"]


class VerificationStatus(StrEnum):
    UNVERIFIED = "UNVERIFIED"
    PENDING = "PENDING"  # micro-deposit sent, waiting for the amount
    VERIFIED = "VERIFIED"


class ProductStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    DELISTED = "DELISTED"


class Category(Model):
    id = fields.BigIntField(primary_key=True)
    slug = fields.CharField(max_length=60, unique=True)
    name = fields.CharField(max_length=80)
    parent: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "community.Category", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    position = fields.IntField(default=0)

    class Meta:
        table = "catalog_category"


class Shop(Model):
    id = fields.BigIntField(primary_key=True)
    owner_id = fields.BigIntField(unique=True)
    name = fields.CharField(max_length=60)
    description = fields.CharField(max_length=1000, default="")
    verification = fields.CharEnumField(
        VerificationStatus, max_length=12, default=VerificationStatus.UNVERIFIED
    )
    # The micro-deposit amount the owner must confirm; never shown through the API.
    verification_amount = fields.IntField(null=True)
    verification_attempts = fields.IntField(default=0)
    verification_locked_until = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "catalog_shop"


class Product(Model):
    id = fields.BigIntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "community.Shop", related_name="products", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    image_urls: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "community.Category", related_name="products", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(ProductStatus, max_length=10, default=ProductStatus.DRAFT)
    # Cheapest variant price, kept with the variants so lists sort and show without a join.
    price_from = fields.BigIntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "catalog_product"
        indexes = (("status", "id"), ("shop_id", "status"), ("category_id", "status"))


class Variant(Model):
    id = fields.BigIntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "community.Product", related_name="variants", on_delete=fields.RESTRICT
    )
    sku = fields.CharField(max_length=64, unique=True)
    # e.g. {"size": "M", "colour": "Indigo"}; empty for a product without options.
    options: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    price = fields.BigIntField()
    stock = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)

    class Meta:
        table = "catalog_variant"
        indexes = (("product_id",),)
