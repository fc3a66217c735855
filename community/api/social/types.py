"""Social types: posts, comments, friend requests, notifications and relationships.

Every read filters with :mod:`community.social.policy` using the viewer's relationships,
loaded once per request (``info.context.relations()``)."""

from __future__ import annotations

from asyncio import Future
from collections.abc import Awaitable
from typing import Any

import graphene
from graphene import relay

from community.api.accounts.types import User
from community.api.catalog.types import Product
from community.api.relay import Node
from community.catalog.models import ProductStatus
from community.social import policy
from community.social.models import Audience as AudienceModel
from community.social.models import Comment as CommentModel
from community.social.models import FriendRequest as FriendRequestModel
from community.social.models import Notification as NotificationModel
from community.social.models import NotificationKind as NotificationKindModel
from community.social.models import Post as PostModel
from community.social.models import PostKind as PostKindModel
from community.social.models import RequestStatus as RequestStatusModel

__all__ = [
    "Audience",
    "Comment",
    "FriendRequest",
    "Notification",
    "NotificationConnection",
    "Post",
    "PostConnection",
    "prefetch_cards",
    "visible_post",
]

Audience = graphene.Enum.from_enum(AudienceModel, description="Who may see a post.")
PostKind = graphene.Enum.from_enum(PostKindModel)
RequestStatus = graphene.Enum.from_enum(RequestStatusModel)
NotificationKind = graphene.Enum.from_enum(NotificationKindModel)


async def _for_sale(products: Awaitable[list[Any]]) -> list[Any]:
    return [p for p in await products if p is not None and p.status == ProductStatus.ACTIVE]


async def prefetch_cards(info: Any, posts: list[PostModel]) -> None:
    """Load what the cards of these posts show, two queries for the whole page: the attached
    products with their shops, then the authors with the shops' owners. Their resolvers then
    answer without waiting."""
    loaders = info.context.loaders
    product_ids = sorted({i for post in posts for i in post.product_ids})
    products = await loaders.product_by_id.load_many(product_ids) if product_ids else []
    people = {post.author_id for post in posts}
    people |= {loaders.shop_by_id.get(p.shop_id).owner_id for p in products if p is not None}
    await loaders.user_by_id.load_many(sorted(people))


async def visible_post(info: Any, post_id: int) -> PostModel | None:
    post = await info.context.loaders.post_by_id.load(post_id)
    if post is None or not policy.can_view_post(await info.context.relations(), post):
        return None
    return post  # type: ignore[no-any-return]


class Comment(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    author = graphene.Field(User, required=True)
    body = graphene.String(required=True)
    like_count = graphene.Int(required=True)
    viewer_has_liked = graphene.Boolean(required=True)
    replies = graphene.List(graphene.NonNull(lambda: Comment), required=True)
    created_at = graphene.DateTime(required=True)
    can_delete = graphene.Boolean(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, CommentModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> CommentModel | None:
        comment = await CommentModel.get_or_none(id=pk)
        post = await visible_post(info, comment.post_id) if comment else None
        if comment is None or post is None:
            return None
        rel = await info.context.relations()
        return comment if policy.can_view_comment(rel, comment, post) else None

    @staticmethod
    def resolve_author(comment: CommentModel, info: Any) -> Any:
        return info.context.loaders.user_by_id.get(comment.author_id)

    @staticmethod
    def resolve_viewer_has_liked(comment: CommentModel, info: Any) -> Any:
        return info.context.has_liked(f"comment:{comment.id}")

    @staticmethod
    async def resolve_replies(comment: CommentModel, info: Any) -> list[CommentModel]:
        thread = await info.context.loaders.comments_by_post_id.load(comment.post_id)
        rel = await info.context.relations()
        return [
            c
            for c in thread
            if c.parent_id == comment.id and c.deleted_at is None and c.author_id not in rel.blocked
        ]

    @staticmethod
    async def resolve_can_delete(comment: CommentModel, info: Any) -> bool:
        viewer = info.context.viewer
        if viewer is None:
            return False
        post = await info.context.loaders.post_by_id.load(comment.post_id)
        return viewer.id in (comment.author_id, post.author_id)


class Post(graphene.ObjectType):
    """A post in the feed: text, up to 9 images, attached products (live price and shop)."""

    class Meta:
        interfaces = (Node,)

    author = graphene.Field(User, required=True)
    kind = graphene.Field(PostKind, required=True)
    body = graphene.String(required=True)
    image_urls = graphene.List(graphene.NonNull(graphene.String), required=True)
    products = graphene.List(
        graphene.NonNull(Product), required=True, description="Attached products still for sale."
    )
    audience = graphene.Field(Audience, required=True)
    activity_type = graphene.String(description="For ACTIVITY cards: what happened.")
    like_count = graphene.Int(required=True)
    comment_count = graphene.Int(required=True)
    viewer_has_liked = graphene.Boolean(required=True)
    comments = graphene.List(
        graphene.NonNull(Comment), required=True, description="Top-level comments, oldest first."
    )
    created_at = graphene.DateTime(required=True)
    edited_at = graphene.DateTime()
    is_mine = graphene.Boolean(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, PostModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> PostModel | None:
        return await visible_post(info, pk)

    @staticmethod
    def resolve_author(post: PostModel, info: Any) -> Any:
        return info.context.loaders.user_by_id.get(post.author_id)

    @staticmethod
    def resolve_products(post: PostModel, info: Any) -> Any:
        if not post.product_ids:
            return []
        loader = info.context.loaders.product_by_id
        found = [loader.get(i) for i in post.product_ids]
        if any(isinstance(p, Future) for p in found):
            return _for_sale(loader.load_many(post.product_ids))
        return [p for p in found if p is not None and p.status == ProductStatus.ACTIVE]

    @staticmethod
    def resolve_activity_type(post: PostModel, info: Any) -> str | None:
        return str(post.activity.get("type")) if post.activity else None

    @staticmethod
    def resolve_viewer_has_liked(post: PostModel, info: Any) -> Any:
        return info.context.has_liked(f"post:{post.id}")

    @staticmethod
    async def resolve_comments(post: PostModel, info: Any) -> list[CommentModel]:
        thread = await info.context.loaders.comments_by_post_id.load(post.id)
        rel = await info.context.relations()
        return [
            c
            for c in thread
            if c.parent_id is None and c.deleted_at is None and c.author_id not in rel.blocked
        ]

    @staticmethod
    def resolve_is_mine(post: PostModel, info: Any) -> bool:
        viewer = info.context.viewer
        return viewer is not None and viewer.id == post.author_id


class PostConnection(relay.Connection):
    class Meta:
        node = Post


class FriendRequest(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    sender = graphene.Field(User, required=True)
    recipient = graphene.Field(User, required=True)
    status = graphene.Field(RequestStatus, required=True)
    created_at = graphene.DateTime(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, FriendRequestModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> FriendRequestModel | None:
        viewer = info.context.viewer
        request = await FriendRequestModel.get_or_none(id=pk)
        if request is None or viewer is None or viewer.id not in (request.from_id, request.to_id):
            return None
        return request

    @staticmethod
    async def resolve_sender(request: FriendRequestModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(request.from_id)

    @staticmethod
    async def resolve_recipient(request: FriendRequestModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(request.to_id)


class Notification(graphene.ObjectType):
    class Meta:
        interfaces = (Node,)

    kind = graphene.Field(NotificationKind, required=True)
    actor = graphene.Field(User, required=True)
    post = graphene.Field(Post, description="Null when you can no longer see it.")
    comment = graphene.Field(Comment)
    friend_request = graphene.Field(FriendRequest)
    read = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)

    @classmethod
    def is_type_of(cls, root: Any, info: Any) -> bool:
        return isinstance(root, NotificationModel)

    @classmethod
    async def get_node(cls, info: Any, pk: int) -> NotificationModel | None:
        viewer = info.context.viewer
        note = await NotificationModel.get_or_none(id=pk)
        return (
            note if note is not None and viewer is not None and note.user_id == viewer.id else None
        )

    @staticmethod
    async def resolve_actor(note: NotificationModel, info: Any) -> Any:
        return await info.context.loaders.user_by_id.load(note.actor_id)

    @staticmethod
    async def resolve_post(note: NotificationModel, info: Any) -> Any:
        return await visible_post(info, note.post_id) if note.post_id else None

    @staticmethod
    async def resolve_comment(note: NotificationModel, info: Any) -> Any:
        return await Comment.get_node(info, note.comment_id) if note.comment_id else None

    @staticmethod
    async def resolve_friend_request(note: NotificationModel, info: Any) -> Any:
        return await FriendRequest.get_node(info, note.request_id) if note.request_id else None

    @staticmethod
    def resolve_read(note: NotificationModel, info: Any) -> bool:
        return note.read_at is not None


class NotificationConnection(relay.Connection):
    class Meta:
        node = Notification
