"""The social fields of ``User``: counts, mutual friends and the viewer's relationship."""

from __future__ import annotations

from typing import Any

import graphene

from community.accounts.models import User
from community.social import feeds
from community.social.models import Block, Follow, FriendRequest, Friendship, RequestStatus

__all__ = ["Relationship", "counts", "friends", "mutual_friends", "relationship"]


class Relationship(graphene.ObjectType):
    is_self = graphene.Boolean(required=True)
    is_friend = graphene.Boolean(required=True)
    is_following = graphene.Boolean(required=True)
    follows_you = graphene.Boolean(required=True)
    blocked_by_you = graphene.Boolean(required=True)
    outgoing_request = graphene.Field("community.api.social.types.FriendRequest")
    incoming_request = graphene.Field("community.api.social.types.FriendRequest")


async def counts(info: Any, user_id: int) -> tuple[int, int, int]:
    """(friends, followers, following) of one profile."""
    return (
        await Friendship.filter(user_id=user_id).count(),
        await Follow.filter(followee_id=user_id).count(),
        await Follow.filter(follower_id=user_id).count(),
    )


async def friends(info: Any, user_id: int, first: int) -> list[User]:
    """A profile's friends, newest friendships first, without the viewer's blocked ones."""
    ids = await (
        Friendship.filter(user_id=user_id)
        .order_by("-id")
        .limit(max(0, min(first, 100)))
        .values_list("friend_id", flat=True)
    )
    rel = await info.context.relations()
    found = await info.context.loaders.user_by_id.load_many(
        [i for i in ids if i not in rel.blocked]
    )
    return [u for u in found if u is not None]


async def mutual_friends(info: Any, user_id: int) -> list[User]:
    viewer = info.context.viewer
    if viewer is None or viewer.id == user_id:
        return []
    shared = sorted((await feeds.friends_of(viewer.id)) & (await feeds.friends_of(user_id)))[:20]
    found = await info.context.loaders.user_by_id.load_many(shared)
    return [u for u in found if u is not None]


async def relationship(info: Any, user_id: int) -> Relationship | None:
    viewer = info.context.viewer
    if viewer is None:
        return None
    pending = {
        (r.from_id, r.to_id): r
        for r in await FriendRequest.filter(
            status=RequestStatus.PENDING,
            from_id__in=[viewer.id, user_id],
            to_id__in=[viewer.id, user_id],
        )
    }
    return Relationship(
        is_self=viewer.id == user_id,
        is_friend=user_id in await feeds.friends_of(viewer.id),
        is_following=user_id in await feeds.following_of(viewer.id),
        follows_you=viewer.id in await feeds.following_of(user_id),
        blocked_by_you=await Block.exists(blocker_id=viewer.id, blocked_id=user_id),
        outgoing_request=pending.get((viewer.id, user_id)),
        incoming_request=pending.get((user_id, viewer.id)),
    )
