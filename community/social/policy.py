"""Who sees what in the social layer. One rule per object kind, used by every read path:
the feed, timelines, ``node``, comments, notifications and subscriptions.

Predicates take the viewer's preloaded :class:`Relations`, so a whole page is filtered
without a query per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from community.social.models import Audience, Comment, Post

__all__ = ["Relations", "can_comment", "can_view_comment", "can_view_post", "can_view_user"]


@dataclass(frozen=True)
class Relations:
    """The viewer's relationships: friends, and accounts blocked either way."""

    viewer_id: int | None
    friends: frozenset[int] = field(default_factory=frozenset)
    blocked: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def anonymous(cls) -> Relations:
        return cls(viewer_id=None)


def can_view_user(rel: Relations, user_id: int) -> bool:
    """Blocking hides two people from each other everywhere."""
    return user_id not in rel.blocked


def can_view_post(rel: Relations, post: Post) -> bool:
    if post.deleted_at is not None:
        return False
    if rel.viewer_id is not None and post.author_id == rel.viewer_id:
        return True
    if post.author_id in rel.blocked:
        return False
    if post.audience == Audience.PUBLIC:
        return True
    if post.audience == Audience.FRIENDS:
        return post.author_id in rel.friends
    return False


def can_comment(rel: Relations, post: Post) -> bool:
    return rel.viewer_id is not None and can_view_post(rel, post)


def can_view_comment(rel: Relations, comment: Comment, post: Post) -> bool:
    return (
        comment.deleted_at is None
        and can_view_post(rel, post)
        and comment.author_id not in rel.blocked
    )
