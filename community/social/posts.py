"""Posts, comments and likes. A post is written in one transaction; its fan-out into home
timelines and the live messages happen after commit."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from community.accounts.models import User
from community.catalog.models import Product, ProductStatus
from community.infra import clock
from community.infra.errors import DomainError
from community.orders.models import Order, OrderLine, OrderStatus
from community.social import feeds, notifications
from community.social.errors import SocialCode
from community.social.models import (
    Audience,
    Comment,
    Like,
    Notification,
    NotificationKind,
    Post,
    PostKind,
)
from community.social.policy import can_comment, can_view_post

__all__ = [
    "MAX_BODY",
    "MAX_IMAGES",
    "comment",
    "create_post",
    "delete_comment",
    "delete_post",
    "edit_post",
    "like",
    "publish_activity",
    "share_purchase",
    "unlike",
]

MAX_BODY = 2000
MAX_IMAGES = 9
MAX_PRODUCTS = 6
MAX_COMMENT = 1000
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]{2,19})\b")


def _body(body: str, *, required: bool) -> str:
    body = body.strip()
    if len(body) > MAX_BODY:
        raise DomainError(
            SocialCode.POST_TOO_LONG, f"Posts are at most {MAX_BODY} characters.", "body"
        )
    if required and not body:
        raise DomainError(SocialCode.POST_EMPTY, "Write something (or add a photo).", "body")
    return body


def _images(urls: Sequence[str]) -> list[str]:
    urls = [u.strip() for u in urls if u.strip()]
    if len(urls) > MAX_IMAGES:
        raise DomainError(SocialCode.TOO_MANY_IMAGES, f"At most {MAX_IMAGES} images.", "imageUrls")
    if any(len(u) > 500 or not URL_RE.match(u) for u in urls):
        raise DomainError(
            SocialCode.IMAGE_URL_INVALID, "Images need http(s) addresses.", "imageUrls"
        )
    return urls


async def _products(ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_PRODUCTS:
        raise DomainError(
            SocialCode.TOO_MANY_PRODUCTS, f"At most {MAX_PRODUCTS} products.", "productIds"
        )
    found = set(
        await Product.filter(id__in=ids, status=ProductStatus.ACTIVE).values_list("id", flat=True)
    )
    if len(found) != len(ids):
        raise DomainError(
            SocialCode.PRODUCT_UNKNOWN, "Attach products that are for sale.", "productIds"
        )
    return ids


async def _mentions(
    post: Post, text: str, actor_id: int, comment_id: int | None = None
) -> list[Notification | None]:
    names = {m.lower() for m in MENTION_RE.findall(text)}
    if not names:
        return []
    users = await User.filter(username_key__in=list(names), is_active=True)
    notes = []
    for user in users:
        if can_view_post(await feeds.relations(user.id), post):
            notes.append(
                notifications.notify(
                    user.id,
                    NotificationKind.MENTION,
                    actor_id,
                    post_id=post.id,
                    comment_id=comment_id,
                )
            )
    return notes


async def _distribute(post: Post, notes: Sequence[Notification]) -> None:
    """After commit: into the audience's timelines, and live to open pages."""
    await feeds.add_to_timelines(post.id, await feeds.audience_of(post))
    await notifications.publish(notes)


async def create_post(
    actor: User,
    *,
    body: str = "",
    image_urls: Sequence[str] = (),
    product_ids: Sequence[int] = (),
    audience: Audience = Audience.FRIENDS,
) -> Post:
    """Write a post for an audience: PUBLIC, FRIENDS or PRIVATE (only you)."""
    images = _images(image_urls)
    text = _body(body, required=not images and not product_ids)
    products = await _products(product_ids)
    async with in_transaction():
        post = await Post.create(
            author_id=actor.id,
            body=text,
            image_urls=images,
            product_ids=products,
            audience=audience,
            created_at=clock.now(),
        )
        notes = await notifications.save(await _mentions(post, text, actor.id))
    await _distribute(post, notes)
    return post


async def _own_post(actor: User, post_id: int) -> Post:
    post = await Post.get_or_none(id=post_id, deleted_at=None)
    if post is None or post.author_id != actor.id:
        raise DomainError(SocialCode.POST_NOT_FOUND, "No such post of yours.", "postId")
    return post


async def edit_post(
    actor: User,
    post_id: int,
    *,
    body: str | None = None,
    image_urls: Sequence[str] | None = None,
    product_ids: Sequence[int] | None = None,
    audience: Audience | None = None,
) -> Post:
    """Edit your post. Narrowing the audience takes it out of the timelines that lose it."""
    post = await _own_post(actor, post_id)
    before = set(await feeds.audience_of(post))
    if image_urls is not None:
        post.image_urls = _images(image_urls)
    if product_ids is not None:
        post.product_ids = await _products(product_ids)
    if body is not None:
        post.body = _body(body, required=False)
    if not (post.body or post.image_urls or post.product_ids or post.kind != PostKind.POST):
        raise DomainError(SocialCode.POST_EMPTY, "Write something (or add a photo).", "body")
    if audience is not None:
        post.audience = audience
    post.edited_at = clock.now()
    await post.save()
    after = set(await feeds.audience_of(post))
    await feeds.remove_from_timelines([post.id], sorted(before - after))
    if after - before:
        await feeds.add_to_timelines(post.id, sorted(after - before))
    return post


async def delete_post(actor: User, post_id: int) -> None:
    """Delete your post: it leaves every timeline and its notifications go too."""
    post = await _own_post(actor, post_id)
    recipients = await feeds.audience_of(post)
    async with in_transaction():
        await Post.filter(id=post.id).update(deleted_at=clock.now())
        await Notification.filter(post_id=post.id).delete()
    await feeds.remove_from_timelines([post.id], recipients)


async def _visible_post(actor: User, post_id: int) -> Post:
    post = await Post.get_or_none(id=post_id)
    if post is None or not can_comment(await feeds.relations(actor.id), post):
        raise DomainError(SocialCode.POST_NOT_FOUND, "No such post.", "postId")
    return post


async def comment(actor: User, post_id: int, *, body: str, reply_to: int | None = None) -> Comment:
    """Comment on a post you can see, or reply to a comment (one level deep)."""
    post = await _visible_post(actor, post_id)
    body = body.strip()
    if not body or len(body) > MAX_COMMENT:
        raise DomainError(
            SocialCode.COMMENT_INVALID, f"Comments are 1–{MAX_COMMENT} characters.", "body"
        )
    parent = None
    if reply_to is not None:
        parent = await Comment.get_or_none(id=reply_to, post_id=post.id, deleted_at=None)
        if parent is None:
            raise DomainError(SocialCode.COMMENT_NOT_FOUND, "No such comment.", "replyTo")
        if parent.parent_id is not None:  # replies to a reply join the same thread
            parent = await Comment.get(id=parent.parent_id)
    async with in_transaction():
        created = await Comment.create(
            post_id=post.id,
            author_id=actor.id,
            parent_id=parent.id if parent else None,
            body=body,
            created_at=clock.now(),
        )
        await Post.filter(id=post.id).update(comment_count=F("comment_count") + 1)
        notes: list[Notification | None] = [
            notifications.notify(
                post.author_id,
                NotificationKind.COMMENT,
                actor.id,
                post_id=post.id,
                comment_id=created.id,
            )
        ]
        if parent is not None and parent.author_id != post.author_id:
            notes.append(
                notifications.notify(
                    parent.author_id,
                    NotificationKind.REPLY,
                    actor.id,
                    post_id=post.id,
                    comment_id=created.id,
                )
            )
        notes += await _mentions(post, body, actor.id, created.id)
        saved = await notifications.save(notes)
    await notifications.publish(saved)
    return created


async def delete_comment(actor: User, comment_id: int) -> None:
    """Delete a comment you wrote, or one on your post."""
    found = await Comment.get_or_none(id=comment_id, deleted_at=None)
    post = await Post.get_or_none(id=found.post_id) if found else None
    if found is None or post is None or actor.id not in (found.author_id, post.author_id):
        raise DomainError(SocialCode.COMMENT_NOT_FOUND, "No such comment.", "commentId")
    async with in_transaction():
        if await Comment.filter(id=found.id, deleted_at=None).update(deleted_at=clock.now()):
            await Post.filter(id=post.id).update(comment_count=F("comment_count") - 1)
            await Notification.filter(comment_id=found.id).delete()


async def like(actor: User, *, post_id: int | None = None, comment_id: int | None = None) -> Post:
    """Like a post or a comment (liking twice changes nothing)."""
    post, target_comment = await _like_target(actor, post_id, comment_id)
    target = f"comment:{target_comment.id}" if target_comment else f"post:{post.id}"
    try:
        async with in_transaction():
            await Like.create(
                user_id=actor.id,
                target=target,
                post_id=None if target_comment else post.id,
                comment_id=target_comment.id if target_comment else None,
                created_at=clock.now(),
            )
            if target_comment:
                await Comment.filter(id=target_comment.id).update(like_count=F("like_count") + 1)
                owner = target_comment.author_id
            else:
                await Post.filter(id=post.id).update(like_count=F("like_count") + 1)
                owner = post.author_id
            saved = await notifications.save(
                [
                    notifications.notify(
                        owner,
                        NotificationKind.LIKE,
                        actor.id,
                        post_id=post.id,
                        comment_id=target_comment.id if target_comment else None,
                    )
                ]
            )
    except IntegrityError:
        return await Post.get(id=post.id)
    await notifications.publish(saved)
    return await Post.get(id=post.id)


async def unlike(actor: User, *, post_id: int | None = None, comment_id: int | None = None) -> Post:
    post, target_comment = await _like_target(actor, post_id, comment_id)
    target = f"comment:{target_comment.id}" if target_comment else f"post:{post.id}"
    async with in_transaction():
        if await Like.filter(user_id=actor.id, target=target).delete():
            if target_comment:
                await Comment.filter(id=target_comment.id).update(like_count=F("like_count") - 1)
            else:
                await Post.filter(id=post.id).update(like_count=F("like_count") - 1)
    return await Post.get(id=post.id)


async def _like_target(
    actor: User, post_id: int | None, comment_id: int | None
) -> tuple[Post, Comment | None]:
    if comment_id is not None:
        found = await Comment.get_or_none(id=comment_id, deleted_at=None)
        if found is None:
            raise DomainError(SocialCode.COMMENT_NOT_FOUND, "No such comment.", "commentId")
        return await _visible_post(actor, found.post_id), found
    if post_id is None:
        raise DomainError(SocialCode.POST_NOT_FOUND, "Say what to like.", "postId")
    return await _visible_post(actor, post_id), None


async def share_purchase(
    actor: User, order_id: int, *, body: str = "", audience: Audience = Audience.FRIENDS
) -> Post:
    """Share a completed purchase: the post shows the products, never the price paid or
    the address. Sharing is always the buyer's choice, once per order."""
    order = await Order.get_or_none(id=order_id)
    if order is None or order.buyer_id != actor.id:
        raise DomainError(
            SocialCode.NOT_SHAREABLE, "Only your own orders can be shared.", "orderId"
        )
    if order.status != OrderStatus.COMPLETED:
        raise DomainError(
            SocialCode.NOT_SHAREABLE, "Share an order once it is completed.", "orderId"
        )
    product_ids = list(
        dict.fromkeys(
            await OrderLine.filter(order_id=order.id).values_list("product_id", flat=True)
        )
    )[:MAX_PRODUCTS]
    text = _body(body, required=False)
    try:
        async with in_transaction():
            post = await Post.create(
                author_id=actor.id,
                kind=PostKind.PURCHASE,
                body=text,
                product_ids=product_ids,
                audience=audience,
                order_id=order.id,
                created_at=clock.now(),
            )
            notes = await notifications.save(await _mentions(post, text, actor.id))
    except IntegrityError:
        raise DomainError(
            SocialCode.NOT_SHAREABLE, "You shared this order already.", "orderId"
        ) from None
    await _distribute(post, notes)
    return post


async def publish_activity(
    actor: User, activity: dict[str, object], *, audience: Audience, body: str = ""
) -> Post:
    """An activity card in the feed (poll opened, wish list shared, review written, Good Find
    pick), published by the capability it belongs to."""
    if "type" not in activity:
        raise ValueError("an activity needs a type")
    post = await Post.create(
        author_id=actor.id,
        kind=PostKind.ACTIVITY,
        body=_body(body, required=False),
        activity=activity,
        audience=audience,
        created_at=clock.now(),
    )
    await _distribute(post, [])
    return post
