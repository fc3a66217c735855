"""Notifications: written in the transaction of what caused them, pushed live after commit."""

from __future__ import annotations

from collections.abc import Sequence

from community.infra import clock, runtime
from community.infra.events import channel
from community.social.models import Notification, NotificationKind

__all__ = ["mark_read", "notify", "publish", "unread_count"]


def notify(
    user_id: int,
    kind: NotificationKind,
    actor_id: int,
    *,
    post_id: int | None = None,
    comment_id: int | None = None,
    request_id: int | None = None,
) -> Notification | None:
    """A notification to write (None when someone would notify themselves)."""
    if user_id == actor_id:
        return None
    return Notification(
        user_id=user_id,
        kind=kind,
        actor_id=actor_id,
        post_id=post_id,
        comment_id=comment_id,
        request_id=request_id,
        created_at=clock.now(),
    )


async def save(notes: Sequence[Notification | None]) -> list[Notification]:
    """Write notifications (inside the caller's transaction); returns them with ids."""
    created = []
    for note in notes:
        if note is not None:
            await note.save()
            created.append(note)
    return created


async def publish(notes: Sequence[Notification]) -> None:
    """Tell the recipients' open pages (after commit)."""
    broker = runtime.get().broker
    for note in notes:
        await broker.publish(channel("notifications", note.user_id), {"id": note.id})


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at=None).count()


async def mark_read(user_id: int, ids: Sequence[int] | None = None) -> int:
    """Mark some (or all) of the user's notifications read; returns how many changed."""
    rows = Notification.filter(user_id=user_id, read_at=None)
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    changed = await rows.update(read_at=clock.now())
    await runtime.get().broker.publish(channel("notifications", user_id), {"read": True})
    return int(changed)
