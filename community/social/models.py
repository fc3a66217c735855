"""Social tables: the graph (friend requests, friendships, follows, blocks), posts with
comments and likes, and notifications."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "Audience",
    "Block",
    "Comment",
    "Follow",
    "FriendRequest",
    "Friendship",
    "Like",
    "Notification",
    "NotificationKind",
    "Post",
    "PostKind",
    "RequestStatus",
]


class RequestStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"


class Audience(StrEnum):
    PUBLIC = "PUBLIC"
    FRIENDS = "FRIENDS"
    PRIVATE = "PRIVATE"


class PostKind(StrEnum):
    POST = "POST"
    PURCHASE = "PURCHASE"  # a purchase shared from a completed order
    ACTIVITY = "ACTIVITY"  # a card other capabilities publish (poll opened, …)


class NotificationKind(StrEnum):
    FRIEND_REQUEST = "FRIEND_REQUEST"
    FRIEND_ACCEPTED = "FRIEND_ACCEPTED"
    COMMENT = "COMMENT"
    REPLY = "REPLY"
    LIKE = "LIKE"
    MENTION = "MENTION"


class FriendRequest(Model):
    id = fields.BigIntField(primary_key=True)
    from_id = fields.BigIntField(db_index=True)
    to_id = fields.BigIntField(db_index=True)
    status = fields.CharEnumField(RequestStatus, max_length=10)
    # "from:to" while pending, so one pending request per pair (either direction) exists.
    pending_key = fields.CharField(max_length=41, null=True, unique=True)
    created_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_friend_request"


class Friendship(Model):
    """Stored both ways (a→b and b→a) so "my friends" is one indexed lookup."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField()
    friend_id = fields.BigIntField(db_index=True)
    since = fields.DatetimeField()

    class Meta:
        table = "social_friendship"
        unique_together = (("user_id", "friend_id"),)


class Follow(Model):
    id = fields.BigIntField(primary_key=True)
    follower_id = fields.BigIntField()
    followee_id = fields.BigIntField(db_index=True)
    since = fields.DatetimeField()

    class Meta:
        table = "social_follow"
        unique_together = (("follower_id", "followee_id"),)


class Block(Model):
    id = fields.BigIntField(primary_key=True)
    blocker_id = fields.BigIntField()
    blocked_id = fields.BigIntField(db_index=True)
    since = fields.DatetimeField()

    class Meta:
        table = "social_block"
        unique_together = (("blocker_id", "blocked_id"),)


class Post(Model):
    id = fields.BigIntField(primary_key=True)
    author_id = fields.BigIntField()
    kind = fields.CharEnumField(PostKind, max_length=10, default=PostKind.POST)
    body = fields.TextField(default="")
    image_urls: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    product_ids: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]
    audience = fields.CharEnumField(Audience, max_length=8)
    # A purchase share points at its order (never shown: no price paid, no address).
    order_id = fields.BigIntField(null=True, unique=True)
    # An activity card: what happened and to which object, e.g. {"type": "POLL_OPENED", …}.
    activity: dict[str, object] = fields.JSONField(default=dict)  # type: ignore[assignment]
    like_count = fields.IntField(default=0)
    comment_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_post"
        indexes = (("author_id", "id"),)


class Comment(Model):
    id = fields.BigIntField(primary_key=True)
    post_id = fields.BigIntField(db_index=True)
    author_id = fields.BigIntField()
    parent_id = fields.BigIntField(null=True)  # one level of replies
    body = fields.CharField(max_length=1000)
    like_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_comment"


class Like(Model):
    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField()
    # "post:12" or "comment:7": one unique key for both kinds of target.
    target = fields.CharField(max_length=40)
    post_id = fields.BigIntField(null=True, db_index=True)
    comment_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "social_like"
        unique_together = (("user_id", "target"),)


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    user_id = fields.BigIntField()
    kind = fields.CharEnumField(NotificationKind, max_length=16)
    actor_id = fields.BigIntField()
    post_id = fields.BigIntField(null=True)
    comment_id = fields.BigIntField(null=True)
    request_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "social_notification"
        indexes = (("user_id", "id"), ("user_id", "read_at"))
