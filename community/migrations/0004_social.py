from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from community.social.models import Audience, NotificationKind, PostKind, RequestStatus
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('community', '0003_ratings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Block',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('blocker_id', fields.BigIntField()),
                ('blocked_id', fields.BigIntField(db_index=True)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_block', 'app': 'community', 'unique_together': (('blocker_id', 'blocked_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post_id', fields.BigIntField(db_index=True)),
                ('author_id', fields.BigIntField()),
                ('parent_id', fields.BigIntField(null=True)),
                ('body', fields.CharField(max_length=1000)),
                ('like_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_comment', 'app': 'community', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Follow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('follower_id', fields.BigIntField()),
                ('followee_id', fields.BigIntField(db_index=True)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_follow', 'app': 'community', 'unique_together': (('follower_id', 'followee_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FriendRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('from_id', fields.BigIntField(db_index=True)),
                ('to_id', fields.BigIntField(db_index=True)),
                ('status', fields.CharEnumField(description='PENDING: PENDING\nACCEPTED: ACCEPTED\nDECLINED: DECLINED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=10)),
                ('pending_key', fields.CharField(null=True, unique=True, max_length=41)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_friend_request', 'app': 'community', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Friendship',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.BigIntField()),
                ('friend_id', fields.BigIntField(db_index=True)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_friendship', 'app': 'community', 'unique_together': (('user_id', 'friend_id'),), 'pk_attr': 'id', 'table_description': 'Stored both ways (a→b and b→a) so "my friends" is one indexed lookup.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Like',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.BigIntField()),
                ('target', fields.CharField(max_length=40)),
                ('post_id', fields.BigIntField(null=True, db_index=True)),
                ('comment_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_like', 'app': 'community', 'unique_together': (('user_id', 'target'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='FRIEND_REQUEST: FRIEND_REQUEST\nFRIEND_ACCEPTED: FRIEND_ACCEPTED\nCOMMENT: COMMENT\nREPLY: REPLY\nLIKE: LIKE\nMENTION: MENTION', enum_type=NotificationKind, max_length=16)),
                ('actor_id', fields.BigIntField()),
                ('post_id', fields.BigIntField(null=True)),
                ('comment_id', fields.BigIntField(null=True)),
                ('request_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_notification', 'app': 'community', 'indexes': [Index(fields=['user_id', 'id']), Index(fields=['user_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author_id', fields.BigIntField()),
                ('kind', fields.CharEnumField(default=PostKind.POST, description='POST: POST\nPURCHASE: PURCHASE\nACTIVITY: ACTIVITY', enum_type=PostKind, max_length=10)),
                ('body', fields.TextField(default='', unique=False)),
                ('image_urls', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('product_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('audience', fields.CharEnumField(description='PUBLIC: PUBLIC\nFRIENDS: FRIENDS\nPRIVATE: PRIVATE', enum_type=Audience, max_length=8)),
                ('order_id', fields.BigIntField(null=True, unique=True)),
                ('activity', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('like_count', fields.IntField(default=0)),
                ('comment_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_post', 'app': 'community', 'indexes': [Index(fields=['author_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
