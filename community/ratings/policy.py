"""Who sees a rating: its author always; everyone else once it is revealed."""

from __future__ import annotations

from community.ratings.models import Rating

__all__ = ["can_view_rating"]


def can_view_rating(viewer_id: int | None, rating: Rating) -> bool:
    return rating.revealed_at is not None or viewer_id == rating.rater_id
