"""Every literal the scan plan tests on a file's bytes, found in one pass.

Check keywords, fact-rule keywords and the literals of the rule gate (rulegate.py) are several hundred
words. Testing each with `word in data` walks the file once per word (about 2.3 s over the 12.5 MB
benchmark corpus); one Aho-Corasick pass finds them all (about 0.13 s). Overlapping matches are kept, so
the answer is exactly the set of words for which `word in data` holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick_rs

T = TypeVar("T")


@dataclass(frozen=True)
class Lexicon:
    """Every literal the plan tests on a file's bytes, found in one pass."""

    words: tuple[bytes, ...] = ()

    @classmethod
    def of(cls, words: Iterable[bytes]) -> Lexicon:
        """The lexicon of `words`."""
        return cls(tuple(sorted({w for w in words if w})))

    def __post_init__(self) -> None:
        # not a dataclass field: the cache fingerprints the plan by its fields, and the words say it all
        automaton = ahocorasick_rs.BytesAhoCorasick(list(self.words)) if self.words else None
        object.__setattr__(self, "_automaton", automaton)

    def __reduce__(self) -> tuple[type[Lexicon], tuple[tuple[bytes, ...]]]:
        return (Lexicon, (self.words,))  # the automaton is rebuilt, never pickled

    def find(self, data: bytes) -> frozenset[bytes]:
        """The words that occur in `data`."""
        automaton: ahocorasick_rs.BytesAhoCorasick | None = getattr(self, "_automaton")  # noqa: B009
        if automaton is None:
            return frozenset()
        words = self.words
        return frozenset(words[i] for i in {m[0] for m in automaton.find_matches_as_indexes(data, overlapping=True)})


class WordIndex(Generic[T]):
    """Items that each need one of their words in a file (none: every file), picked for a file by the words it
    holds: one set intersection and the few items it names, not a set test per item (tens of items a file)."""

    def __init__(self, items: Sequence[tuple[T, frozenset[bytes]]]) -> None:
        self._items = tuple(item for item, _ in items)
        self._always = tuple(i for i, (_, words) in enumerate(items) if not words)
        by_word: dict[bytes, list[int]] = {}
        for i, (_, words) in enumerate(items):
            for word in words:
                by_word.setdefault(word, []).append(i)
        self._by_word = {word: tuple(found) for word, found in by_word.items()}
        self._words = frozenset(by_word)

    def pick(self, found: frozenset[bytes]) -> list[T]:
        """The items whose words meet `found` (or that have none), in their order."""
        hit = self._words.intersection(found)
        if not hit:
            return [self._items[i] for i in self._always]
        chosen = set(self._always)
        for word in hit:
            chosen.update(self._by_word[word])
        items = self._items
        return [items[i] for i in sorted(chosen)]
