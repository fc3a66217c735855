from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('community', '0005_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SweepMark',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('upto', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'orders_sweep_mark', 'app': 'community', 'pk_attr': 'name', 'table_description': 'How far a deadline sweep has read: every deadline up to ``upto`` has been handled.'},
            bases=['Model'],
        ),
        ops.RemoveIndex(
            model_name='Order',
            name=None,
            fields=['pay_by'],
        ),
        ops.RemoveIndex(
            model_name='Order',
            name=None,
            fields=['auto_confirm_at'],
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['pay_by']),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['auto_confirm_at']),
        ),
    ]
