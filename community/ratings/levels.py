"""Credit levels: Taobao-style tiers of hearts, diamonds, crowns and gold crowns.

``CREDIT_TIERS`` (environment, comma-separated lower bounds of the 20 levels) overrides the
defaults; a score below the first bound has no level yet.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from dataclasses import dataclass

__all__ = ["Level", "level_for", "thresholds"]

TIERS = ("HEART", "DIAMOND", "CROWN", "GOLD_CROWN")
DEFAULT_THRESHOLDS = (
    4, 11, 41, 91, 151,  # hearts
    251, 501, 1_001, 2_001, 5_001,  # diamonds
    10_001, 20_001, 50_001, 100_001, 200_001,  # crowns
    500_001, 1_000_001, 2_000_001, 5_000_001, 10_000_001,  # gold crowns
)  # fmt: skip


@dataclass(frozen=True)
class Level:
    tier: str  # HEART, DIAMOND, CROWN or GOLD_CROWN
    count: int  # 1–5 symbols of the tier
    next_at: int | None  # the score of the next level


def thresholds() -> tuple[int, ...]:
    raw = os.environ.get("CREDIT_TIERS")
    if not raw:
        return DEFAULT_THRESHOLDS
    values = tuple(int(v) for v in raw.split(","))
    if len(values) != 20 or list(values) != sorted(set(values)):
        raise ValueError("CREDIT_TIERS needs 20 increasing numbers")
    return values


def level_for(score: int) -> Level | None:
    bounds = thresholds()
    index = bisect_right(bounds, score) - 1
    if index < 0:
        return None
    next_at = bounds[index + 1] if index + 1 < len(bounds) else None
    return Level(tier=TIERS[index // 5], count=index % 5 + 1, next_at=next_at)
