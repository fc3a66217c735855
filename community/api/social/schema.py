"""Social queries (home feed, posts, requests, notifications), mutations and the live
subscriptions (new feed items, notifications)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import graphene

from community.api.errors import Mutation
from community.api.relay import (
    MAX_PAGE,
    connection,
    decode_cursor,
    decode_id,
    encode_cursor,
    page,
)
from community.api.social.types import (
    Audience,
    Comment,
    FriendRequest,
    NotificationConnection,
    Post,
    PostConnection,
    prefetch_cards,
)
from community.infra import runtime
from community.infra.errors import CommonCode, DomainError
from community.infra.events import channel
from community.social import feeds, graph, notifications, policy, posts
from community.social.models import Audience as AudienceModel
from community.social.models import FriendRequest as FriendRequestModel
from community.social.models import Notification as NotificationModel
from community.social.models import Post as PostModel
from community.social.models import RequestStatus

__all__ = ["SocialMutations", "SocialQueries", "SocialSubscriptions"]


def _size(first: int | None) -> int:
    size = 20 if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise DomainError(CommonCode.INVALID_INPUT, f"Ask for 0–{MAX_PAGE} items.", "first")
    return size


async def _posts_in_order(info: Any, ids: list[int]) -> list[PostModel]:
    """Posts by id, in the given order, keeping only what the viewer may see."""
    found = await info.context.loaders.post_by_id.load_many(ids)
    rel = await info.context.relations()
    return [p for p in found if p is not None and policy.can_view_post(rel, p)]


class UnreadCount(graphene.ObjectType):
    count = graphene.Int(required=True)


class SocialQueries(graphene.ObjectType):
    home_feed = graphene.ConnectionField(
        PostConnection,
        required=True,
        description="Your posts, friends' posts and followed accounts' public posts, newest first.",
    )
    post = graphene.Field(Post, id=graphene.ID(required=True))
    friend_requests = graphene.List(
        graphene.NonNull(FriendRequest),
        required=True,
        incoming=graphene.Boolean(default_value=True),
        description="Pending requests to you (or from you with incoming: false).",
    )
    notifications = graphene.ConnectionField(NotificationConnection, required=True)
    unread_notification_count = graphene.Int(required=True)
    blocked_users = graphene.List(
        graphene.NonNull("community.api.accounts.types.User"),
        required=True,
        description="People you blocked (to unblock them).",
    )

    @staticmethod
    async def resolve_home_feed(
        root: Any, info: Any, first: int | None = None, after: str | None = None, **_: Any
    ) -> Any:
        viewer = info.context.require_user()
        before = int(decode_cursor(after)) if after else None
        ids, more, relations = await feeds.home(viewer.id, first=_size(first), before=before)
        info.context.use_relations(relations)
        items = await _posts_in_order(info, ids)
        await prefetch_cards(info, items)
        return _connection_from_ids(items, ids, more)

    @staticmethod
    async def resolve_post(root: Any, info: Any, id: str) -> Any:
        return await Post.get_node(info, decode_id(id, "Post"))

    @staticmethod
    async def resolve_friend_requests(root: Any, info: Any, incoming: bool = True) -> Any:
        viewer = info.context.require_user()
        rows = FriendRequestModel.filter(status=RequestStatus.PENDING)
        rows = rows.filter(to_id=viewer.id) if incoming else rows.filter(from_id=viewer.id)
        rel = await info.context.relations()
        return [
            r
            for r in await rows.order_by("-id")
            if policy.can_view_user(rel, r.from_id if incoming else r.to_id)
        ]

    @staticmethod
    async def resolve_notifications(root: Any, info: Any, **args: Any) -> Any:
        viewer = info.context.require_user()
        rel = await info.context.relations()
        rows = NotificationModel.filter(user_id=viewer.id)
        if rel.blocked:
            rows = rows.exclude(actor_id__in=list(rel.blocked))
        items, more = await page(rows, first=args.get("first"), after=args.get("after"))
        return connection(NotificationConnection, items, more)

    @staticmethod
    async def resolve_blocked_users(root: Any, info: Any) -> Any:
        from community.accounts.models import User as UserModel
        from community.social.models import Block

        viewer = info.context.require_user()
        ids = (
            await Block.filter(blocker_id=viewer.id)
            .order_by("-id")
            .values_list("blocked_id", flat=True)
        )
        found = {u.id: u for u in await UserModel.filter(id__in=list(ids))}
        return [found[i] for i in ids if i in found]

    @staticmethod
    async def resolve_unread_notification_count(root: Any, info: Any) -> int:
        viewer = info.context.viewer
        return await notifications.unread_count(viewer.id) if viewer else 0


def _connection_from_ids(items: list[PostModel], ids: list[int], more: bool) -> Any:
    conn = connection(PostConnection, items, more)
    # The cursor is the last id the page covered (even one filtered out), so hidden posts
    # and posts arriving meanwhile never shift the next page.
    conn.page_info.end_cursor = encode_cursor(ids[-1]) if ids else None
    return conn


async def user_timeline(info: Any, user_id: int, first: int | None, after: str | None) -> Any:
    """Someone's posts, filtered by what the viewer may see (a SQL query on their posts)."""
    rel = await info.context.relations()
    if not policy.can_view_user(rel, user_id):
        return connection(PostConnection, [], False)
    rows = PostModel.filter(author_id=user_id, deleted_at=None)
    if rel.viewer_id != user_id:
        allowed = [AudienceModel.PUBLIC]
        if user_id in rel.friends:
            allowed.append(AudienceModel.FRIENDS)
        rows = rows.filter(audience__in=allowed)
    items, more = await page(rows, first=first, after=after)
    await prefetch_cards(info, items)
    return connection(PostConnection, items, more)


# --- mutations ------------------------------------------------------------------------


class UserTargetInput(graphene.InputObjectType):
    user_id = graphene.ID(required=True)


class RequestTargetInput(graphene.InputObjectType):
    request_id = graphene.ID(required=True)


def _user(input: Any) -> int:
    return decode_id(input.user_id, "User", "userId")


class SendFriendRequest(Mutation):
    class Arguments:
        input = UserTargetInput(required=True)

    friend_request = graphene.Field(FriendRequest)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> SendFriendRequest:
        request = await graph.send_friend_request(info.context.require_user(), _user(input))
        return cls(friend_request=request)


class _AnswerRequest(Mutation):
    class Meta:
        abstract = True

    class Arguments:
        input = RequestTargetInput(required=True)

    friend_request = graphene.Field(FriendRequest)
    action: Any = None

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Any:
        request_id = decode_id(input.request_id, "FriendRequest", "requestId")
        return cls(friend_request=await cls.action(info.context.require_user(), request_id))


class AcceptFriendRequest(_AnswerRequest):
    action = staticmethod(graph.accept_friend_request)


class DeclineFriendRequest(_AnswerRequest):
    action = staticmethod(graph.decline_friend_request)


class CancelFriendRequest(_AnswerRequest):
    action = staticmethod(graph.cancel_friend_request)


class _UserAction(Mutation):
    """Base of the graph mutations that act on one person and return them."""

    class Meta:
        abstract = True

    class Arguments:
        input = UserTargetInput(required=True)

    user = graphene.Field("community.api.accounts.types.User")
    action: Any = None

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Any:
        user_id = _user(input)
        await cls.action(info.context.require_user(), user_id)
        info.context.forget_relations()
        return cls(user=await info.context.loaders.user_by_id.load(user_id))


class Unfriend(_UserAction):
    action = staticmethod(graph.unfriend)


class Follow(_UserAction):
    action = staticmethod(graph.follow)


class Unfollow(_UserAction):
    action = staticmethod(graph.unfollow)


class Block(_UserAction):
    action = staticmethod(graph.block)


class Unblock(_UserAction):
    action = staticmethod(graph.unblock)


class PostInput(graphene.InputObjectType):
    body = graphene.String()
    image_urls = graphene.List(graphene.NonNull(graphene.String))
    product_ids = graphene.List(graphene.NonNull(graphene.ID))
    audience = graphene.Field(Audience, description="FRIENDS by default.")


def _product_ids(ids: list[str] | None) -> list[int] | None:
    return None if ids is None else [decode_id(i, "Product", "productIds") for i in ids]


def _audience(value: Any) -> AudienceModel | None:
    return None if value is None else AudienceModel(getattr(value, "value", value))


class CreatePost(Mutation):
    class Arguments:
        input = PostInput(required=True)

    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> CreatePost:
        post = await posts.create_post(
            info.context.require_user(),
            body=input.body or "",
            image_urls=input.image_urls or [],
            product_ids=_product_ids(input.product_ids) or [],
            audience=_audience(input.audience) or AudienceModel.FRIENDS,
        )
        return cls(post=post)


class EditPostInput(PostInput):
    id = graphene.ID(required=True)


class EditPost(Mutation):
    """Edit your post; narrowing its audience takes it out of feeds that lose it."""

    class Arguments:
        input = EditPostInput(required=True)

    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> EditPost:
        post = await posts.edit_post(
            info.context.require_user(),
            decode_id(input.id, "Post", "id"),
            body=input.body,
            image_urls=input.image_urls,
            product_ids=_product_ids(input.product_ids),
            audience=_audience(input.audience),
        )
        return cls(post=post)


class PostTargetInput(graphene.InputObjectType):
    post_id = graphene.ID()
    comment_id = graphene.ID()


class DeletePost(Mutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        input = PostTargetInput(required=True)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> DeletePost:
        post_id = decode_id(input.post_id or "", "Post", "postId")
        await posts.delete_post(info.context.require_user(), post_id)
        return cls(ok=True)


class AddCommentInput(graphene.InputObjectType):
    post_id = graphene.ID(required=True)
    body = graphene.String(required=True)
    reply_to = graphene.ID(description="A comment to reply to (one level of replies).")


class AddComment(Mutation):
    class Arguments:
        input = AddCommentInput(required=True)

    comment = graphene.Field(Comment)
    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> AddComment:
        created = await posts.comment(
            info.context.require_user(),
            decode_id(input.post_id, "Post", "postId"),
            body=input.body,
            reply_to=decode_id(input.reply_to, "Comment", "replyTo") if input.reply_to else None,
        )
        return cls(comment=created, post=await PostModel.get(id=created.post_id))


class DeleteComment(Mutation):
    ok = graphene.Boolean(required=True)

    class Arguments:
        input = PostTargetInput(required=True)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> DeleteComment:
        comment_id = decode_id(input.comment_id or "", "Comment", "commentId")
        await posts.delete_comment(info.context.require_user(), comment_id)
        return cls(ok=True)


def _like_target(input: Any) -> dict[str, int]:
    if input.comment_id:
        return {"comment_id": decode_id(input.comment_id, "Comment", "commentId")}
    return {"post_id": decode_id(input.post_id or "", "Post", "postId")}


class Like(Mutation):
    """Like a post or a comment."""

    class Arguments:
        input = PostTargetInput(required=True)

    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Like:
        return cls(post=await posts.like(info.context.require_user(), **_like_target(input)))


class Unlike(Mutation):
    class Arguments:
        input = PostTargetInput(required=True)

    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> Unlike:
        return cls(post=await posts.unlike(info.context.require_user(), **_like_target(input)))


class SharePurchaseInput(graphene.InputObjectType):
    order_id = graphene.ID(required=True)
    body = graphene.String()
    audience = graphene.Field(Audience, description="FRIENDS by default.")


class SharePurchase(Mutation):
    """Share a completed order's products (never the price or address) — your choice."""

    class Arguments:
        input = SharePurchaseInput(required=True)

    post = graphene.Field(Post)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> SharePurchase:
        post = await posts.share_purchase(
            info.context.require_user(),
            decode_id(input.order_id, "Order", "orderId"),
            body=input.body or "",
            audience=_audience(input.audience) or AudienceModel.FRIENDS,
        )
        return cls(post=post)


class MarkNotificationsReadInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID), description="Default: all.")


class MarkNotificationsRead(Mutation):
    unread_count = graphene.Int(required=True)

    class Arguments:
        input = MarkNotificationsReadInput(required=True)

    @classmethod
    async def perform(cls, info: Any, input: Any) -> MarkNotificationsRead:
        viewer = info.context.require_user()
        ids = (
            [decode_id(i, "Notification", "ids") for i in input.ids]
            if input.ids is not None
            else None
        )
        await notifications.mark_read(viewer.id, ids)
        return cls(unread_count=await notifications.unread_count(viewer.id))


class SocialMutations(graphene.ObjectType):
    send_friend_request = SendFriendRequest.Field()
    accept_friend_request = AcceptFriendRequest.Field()
    decline_friend_request = DeclineFriendRequest.Field()
    cancel_friend_request = CancelFriendRequest.Field()
    unfriend = Unfriend.Field()
    follow = Follow.Field()
    unfollow = Unfollow.Field()
    block = Block.Field()
    unblock = Unblock.Field()
    create_post = CreatePost.Field()
    edit_post = EditPost.Field()
    delete_post = DeletePost.Field()
    add_comment = AddComment.Field()
    delete_comment = DeleteComment.Field()
    like = Like.Field()
    unlike = Unlike.Field()
    share_purchase = SharePurchase.Field()
    mark_notifications_read = MarkNotificationsRead.Field()


# --- subscriptions --------------------------------------------------------------------


class NotificationEvent(graphene.ObjectType):
    unread_count = graphene.Int(required=True)
    notification = graphene.Field("community.api.social.types.Notification")


class SocialSubscriptions(graphene.ObjectType):
    home_feed_updated = graphene.Field(
        Post, required=True, description="New posts entering your home feed, from any process."
    )
    notification_received = graphene.Field(NotificationEvent, required=True)

    @staticmethod
    async def subscribe_home_feed_updated(root: Any, info: Any) -> AsyncIterator[Any]:
        viewer = info.context.require_user()
        async with feeds.listening(viewer.id):
            async for message in runtime.get().broker.subscribe(channel("feed", viewer.id)):
                post = await PostModel.get_or_none(id=int(message))
                # Fresh relationships per message: a socket outlives friendships and blocks.
                rel = await feeds.relations(viewer.id)
                if post is not None and policy.can_view_post(rel, post):
                    yield post

    @staticmethod
    async def subscribe_notification_received(root: Any, info: Any) -> AsyncIterator[Any]:
        viewer = info.context.require_user()
        async for message in runtime.get().broker.subscribe(channel("notifications", viewer.id)):
            note = None
            if isinstance(message, dict) and "id" in message:
                note = await NotificationModel.get_or_none(id=message["id"], user_id=viewer.id)
                rel = await feeds.relations(viewer.id)
                if note is not None and note.actor_id in rel.blocked:
                    continue
            yield NotificationEvent(
                unread_count=await notifications.unread_count(viewer.id), notification=note
            )
