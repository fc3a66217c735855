"""Account housekeeping sweeps (see :mod:`community.infra.jobs`)."""

from __future__ import annotations

from datetime import timedelta

from community.accounts.models import Session
from community.infra import clock

__all__ = ["purge_expired_sessions"]

# Revoked and expired sessions are kept a while so "signed out" can be told from "unknown".
KEEP_ENDED_SESSIONS = timedelta(days=30)


async def purge_expired_sessions() -> int:
    cutoff = clock.now() - KEEP_ENDED_SESSIONS
    expired = await Session.filter(expires_at__lt=cutoff).delete()
    revoked = await Session.filter(revoked_at__lt=cutoff).delete()
    return int(expired) + int(revoked)
