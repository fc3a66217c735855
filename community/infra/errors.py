"""The one exception type business code raises on an expected refusal.

Exception tree::

    DomainError          an expected refusal: a code from a domain's StrEnum, a message
                         for people, and the input field it is about (if any)

Each domain lists its codes in a ``StrEnum``; the API builds its single ``ErrorCode`` enum
from all of them, so code names must be unique across domains.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CommonCode", "DomainError"]


class CommonCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    RATE_LIMITED = "RATE_LIMITED"
    CONFLICT = "CONFLICT"


class DomainError(Exception):
    def __init__(self, code: StrEnum, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, field={self.field!r})"
