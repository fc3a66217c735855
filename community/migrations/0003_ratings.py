from tortoise import migrations
from tortoise.migrations import operations as ops
from community.ratings.models import CreditRole, Side
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('community', '0002_marketplace')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CategoryRatingDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('category_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('store_count', fields.IntField(default=0)),
                ('described_sum', fields.IntField(default=0)),
                ('service_sum', fields.IntField(default=0)),
                ('shipping_sum', fields.IntField(default=0)),
            ],
            options={'table': 'ratings_category_day', 'app': 'community', 'unique_together': (('category_id', 'day'),), 'pk_attr': 'id', 'table_description': "All shops' store ratings in one top-level category on one day."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Credit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.BigIntField()),
                ('role', fields.CharEnumField(description='BUYER: BUYER\nSELLER: SELLER', enum_type=CreditRole, max_length=8)),
                ('score', fields.IntField(default=0)),
                ('good', fields.IntField(default=0)),
                ('neutral', fields.IntField(default=0)),
                ('poor', fields.IntField(default=0)),
            ],
            options={'table': 'ratings_credit', 'app': 'community', 'unique_together': (('user_id', 'role'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order_id', fields.BigIntField()),
                ('side', fields.CharEnumField(description='BUYER: BUYER\nSELLER: SELLER', enum_type=Side, max_length=8)),
                ('rater_id', fields.BigIntField()),
                ('ratee_id', fields.BigIntField(db_index=True)),
                ('shop_id', fields.BigIntField(db_index=True)),
                ('score', fields.SmallIntField()),
                ('original_score', fields.SmallIntField()),
                ('comment', fields.CharField(default='', max_length=500)),
                ('automatic', fields.BooleanField(default=False)),
                ('counted', fields.BooleanField(default=True)),
                ('revealed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reply', fields.CharField(default='', max_length=500)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ratings_rating', 'app': 'community', 'unique_together': (('order_id', 'side'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShopRatingDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shop_id', fields.BigIntField()),
                ('day', fields.DateField()),
                ('category_id', fields.BigIntField()),
                ('store_count', fields.IntField(default=0)),
                ('described_sum', fields.IntField(default=0)),
                ('service_sum', fields.IntField(default=0)),
                ('shipping_sum', fields.IntField(default=0)),
                ('good', fields.IntField(default=0)),
                ('neutral', fields.IntField(default=0)),
                ('poor', fields.IntField(default=0)),
            ],
            options={'table': 'ratings_shop_day', 'app': 'community', 'unique_together': (('shop_id', 'day', 'category_id'),), 'pk_attr': 'id', 'table_description': "One shop's ratings received on one day (UTC), by the category bought."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoreRating',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order_id', fields.BigIntField(unique=True)),
                ('shop_id', fields.BigIntField(db_index=True)),
                ('category_id', fields.BigIntField()),
                ('buyer_id', fields.BigIntField()),
                ('described', fields.SmallIntField()),
                ('service', fields.SmallIntField()),
                ('shipping', fields.SmallIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ratings_store_rating', 'app': 'community', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
