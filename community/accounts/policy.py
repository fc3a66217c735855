"""Who may see what of an account."""

from __future__ import annotations

from community.accounts.models import Role, User

__all__ = ["can_see_email", "can_view_user"]


def can_view_user(viewer: User | None, user: User) -> bool:
    """Profiles are public while the account is active."""
    return user.is_active or (viewer is not None and viewer.id == user.id)


def can_see_email(viewer: User | None, user: User, viewer_roles: set[Role]) -> bool:
    return viewer is not None and (viewer.id == user.id or Role.ADMIN in viewer_roles)
