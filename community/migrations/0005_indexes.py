from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index, PartialIndex

class Migration(migrations.Migration):
    dependencies = [('community', '0004_social')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Dispute',
            index=Index(fields=['order_id']),
        ),
        ops.RemoveIndex(
            model_name='Order',
            name=None,
            fields=['status', 'pay_by'],
        ),
        ops.RemoveIndex(
            model_name='Order',
            name=None,
            fields=['status', 'auto_confirm_at'],
        ),
        ops.AddIndex(
            model_name='Order',
            index=PartialIndex(fields=['pay_by'], condition={'status': 'AWAITING_PAYMENT'}),
        ),
        ops.AddIndex(
            model_name='Order',
            index=PartialIndex(fields=['auto_confirm_at'], condition={'status': 'SHIPPED'}),
        ),
        ops.AddIndex(
            model_name='OrderEvent',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='OrderLine',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='OrderMessage',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='Product',
            index=Index(fields=['category_id', 'status']),
        ),
        ops.AddIndex(
            model_name='RefundRequest',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='Session',
            index=Index(fields=['user_id']),
        ),
        ops.AddIndex(
            model_name='Variant',
            index=Index(fields=['product_id']),
        ),
    ]
