"""The analyzer: jieba cuts Chinese runs into words, Latin words are lower-cased and stemmed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import jieba
from whoosh.analysis import LowercaseFilter, StemFilter, Token, Tokenizer

__all__ = ["analyzer"]

jieba.setLogLevel(logging.WARNING)
_HAN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+(?:'[A-Za-z]+)?")


class MixedTokenizer(Tokenizer):  # type: ignore[misc]
    """Words of mixed Chinese and Latin text (jieba's search-engine cut for Chinese)."""

    def __call__(  # type: ignore[override]
        self, value: str, positions: bool = False, chars: bool = False, **kwargs: Any
    ) -> Iterator[Token]:
        token = Token(positions, chars, **kwargs)
        position = 0
        for match in _WORD.finditer(value):
            text = match.group()
            pieces = jieba.cut_for_search(text) if _HAN.fullmatch(text) else [text]
            for piece in pieces:
                if not piece.strip():
                    continue
                token.text = token.original = piece
                token.boost = 1.0
                token.stopped = False
                if positions:
                    token.pos = position
                    position += 1
                if chars:
                    token.startchar = match.start()
                    token.endchar = match.end()
                yield token


def analyzer() -> Any:
    # The Snowball English stemmer: whoosh's default Porter one turns "running" into "runn".
    return MixedTokenizer() | LowercaseFilter() | StemFilter(lang="en")
