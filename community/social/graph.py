"""The social graph: friend requests, friendships, follows and blocks.

Each change commits in SQL first, then fixes what depends on it in Redis: relationship caches
are dropped, and timelines lose the posts the people may no longer see.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from community.accounts.models import User
from community.infra import clock, runtime
from community.infra.errors import DomainError
from community.social import feeds, notifications
from community.social.errors import SocialCode
from community.social.models import (
    Block,
    Follow,
    FriendRequest,
    Friendship,
    NotificationKind,
    RequestStatus,
)

__all__ = [
    "accept_friend_request",
    "block",
    "cancel_friend_request",
    "decline_friend_request",
    "follow",
    "send_friend_request",
    "unblock",
    "unfollow",
    "unfriend",
]


async def _other(actor: User, user_id: int) -> User:
    if user_id == actor.id:
        raise DomainError(SocialCode.SELF_RELATION, "That's you.", "userId")
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None or user.id in await feeds.blocked_of(actor.id):
        raise DomainError(SocialCode.BLOCKED, "You can't connect with this person.", "userId")
    return user


def _pending_key(a: int, b: int) -> str:
    return f"{min(a, b)}:{max(a, b)}"


async def send_friend_request(actor: User, user_id: int) -> FriendRequest:
    """Ask someone to be friends (one pending request per pair, either direction)."""
    other = await _other(actor, user_id)
    if other.id in await feeds.friends_of(actor.id):
        raise DomainError(SocialCode.ALREADY_FRIENDS, "You are friends already.", "userId")
    try:
        async with in_transaction():
            request = await FriendRequest.create(
                from_id=actor.id,
                to_id=other.id,
                status=RequestStatus.PENDING,
                pending_key=_pending_key(actor.id, other.id),
                created_at=clock.now(),
            )
            notes = await notifications.save(
                [
                    notifications.notify(
                        other.id, NotificationKind.FRIEND_REQUEST, actor.id, request_id=request.id
                    )
                ]
            )
    except IntegrityError:
        raise DomainError(
            SocialCode.REQUEST_PENDING, "There is already a pending request between you.", "userId"
        ) from None
    await notifications.publish(notes)
    return request


async def _pending(request_id: int) -> FriendRequest:
    request = await FriendRequest.get_or_none(id=request_id, status=RequestStatus.PENDING)
    if request is None:
        raise DomainError(SocialCode.REQUEST_NOT_FOUND, "No such pending request.", "requestId")
    return request


async def _answer(request: FriendRequest, status: RequestStatus) -> bool:
    return bool(
        await FriendRequest.filter(id=request.id, status=RequestStatus.PENDING).update(
            status=status, pending_key=None, answered_at=clock.now()
        )
    )


async def accept_friend_request(actor: User, request_id: int) -> FriendRequest:
    """Become friends: both see each other's friends-only posts from now on."""
    request = await _pending(request_id)
    if request.to_id != actor.id:
        raise DomainError(SocialCode.REQUEST_NOT_FOUND, "No such pending request.", "requestId")
    if request.from_id in await feeds.blocked_of(actor.id):
        raise DomainError(SocialCode.BLOCKED, "You can't connect with this person.")
    now = clock.now()
    async with in_transaction():
        if not await _answer(request, RequestStatus.ACCEPTED):
            raise DomainError(SocialCode.REQUEST_NOT_FOUND, "No such pending request.")
        await Friendship.bulk_create(
            [
                Friendship(user_id=request.from_id, friend_id=request.to_id, since=now),
                Friendship(user_id=request.to_id, friend_id=request.from_id, since=now),
            ],
            ignore_conflicts=True,
        )
        notes = await notifications.save(
            [
                notifications.notify(
                    request.from_id,
                    NotificationKind.FRIEND_ACCEPTED,
                    actor.id,
                    request_id=request.id,
                )
            ]
        )
    await feeds.forget_relations(request.from_id, request.to_id)
    # Their timelines rebuild from SQL with each other's posts in them.
    await runtime.get().redis.delete(
        feeds.key("home", request.from_id), feeds.key("home", request.to_id)
    )
    await notifications.publish(notes)
    request.status = RequestStatus.ACCEPTED
    return request


async def decline_friend_request(actor: User, request_id: int) -> FriendRequest:
    request = await _pending(request_id)
    if request.to_id != actor.id or not await _answer(request, RequestStatus.DECLINED):
        raise DomainError(SocialCode.REQUEST_NOT_FOUND, "No such pending request.", "requestId")
    request.status = RequestStatus.DECLINED
    return request


async def cancel_friend_request(actor: User, request_id: int) -> FriendRequest:
    request = await _pending(request_id)
    if request.from_id != actor.id or not await _answer(request, RequestStatus.CANCELLED):
        raise DomainError(SocialCode.REQUEST_NOT_FOUND, "No such pending request.", "requestId")
    request.status = RequestStatus.CANCELLED
    return request


async def _unfriend(a: int, b: int) -> int:
    return int(
        await Friendship.filter(user_id=a, friend_id=b).delete()
        + await Friendship.filter(user_id=b, friend_id=a).delete()
    )


async def _drop_each_others_posts(a: int, b: int) -> None:
    await feeds.forget_relations(a, b)
    await feeds.remove_posts_of(a, [b])
    await feeds.remove_posts_of(b, [a])


async def unfriend(actor: User, user_id: int) -> None:
    """End a friendship; each side's friends-only posts leave the other's feed."""
    async with in_transaction():
        removed = await _unfriend(actor.id, user_id)
    if not removed:
        raise DomainError(SocialCode.NOT_FRIENDS, "You are not friends.", "userId")
    await _drop_each_others_posts(actor.id, user_id)
    # Public posts still reach a follower; a rebuild puts exactly the visible ones back.
    if user_id in await feeds.following_of(actor.id):
        await runtime.get().redis.delete(feeds.key("home", actor.id))


async def _follower_count(user_id: int) -> int:
    return await Follow.filter(followee_id=user_id).count()


async def follow(actor: User, user_id: int) -> None:
    """Follow someone's public posts without friendship."""
    other = await _other(actor, user_id)
    try:
        await Follow.create(follower_id=actor.id, followee_id=other.id, since=clock.now())
    except IntegrityError:
        return  # following already: nothing to do
    await feeds.forget_relations(actor.id)
    await feeds.mark_big_account(other.id, await _follower_count(other.id))
    await runtime.get().redis.delete(feeds.key("home", actor.id))


async def unfollow(actor: User, user_id: int) -> None:
    await Follow.filter(follower_id=actor.id, followee_id=user_id).delete()
    await feeds.forget_relations(actor.id)
    await feeds.mark_big_account(user_id, await _follower_count(user_id))
    await runtime.get().redis.delete(feeds.key("home", actor.id))


async def block(actor: User, user_id: int) -> None:
    """Block someone: friendship, requests and follows end both ways, and each disappears
    from the other's feed, comments, notifications and search."""
    if user_id == actor.id:
        raise DomainError(SocialCode.SELF_RELATION, "That's you.", "userId")
    if not await User.exists(id=user_id):
        raise DomainError(SocialCode.BLOCKED, "No such person.", "userId")
    async with in_transaction():
        await Block.bulk_create(
            [Block(blocker_id=actor.id, blocked_id=user_id, since=clock.now())],
            ignore_conflicts=True,
        )
        await _unfriend(actor.id, user_id)
        await Follow.filter(follower_id=actor.id, followee_id=user_id).delete()
        await Follow.filter(follower_id=user_id, followee_id=actor.id).delete()
        for a, b in ((actor.id, user_id), (user_id, actor.id)):
            await FriendRequest.filter(from_id=a, to_id=b, status=RequestStatus.PENDING).update(
                status=RequestStatus.CANCELLED, pending_key=None, answered_at=clock.now()
            )
    await _drop_each_others_posts(actor.id, user_id)
    for uid in (actor.id, user_id):
        await feeds.mark_big_account(uid, await _follower_count(uid))


async def unblock(actor: User, user_id: int) -> None:
    await Block.filter(blocker_id=actor.id, blocked_id=user_id).delete()
    await feeds.forget_relations(actor.id, user_id)
