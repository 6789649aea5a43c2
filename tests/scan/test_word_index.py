"""WordIndex picks, for a file's words, exactly the items a set test per item would, in their order."""

from __future__ import annotations

import itertools

from assess.catalog import Catalog
from assess.scan.matching.lexicon import WordIndex
from assess.scan.plan import ScanPlan

ITEMS = [
    ("a", frozenset({b"x", b"y"})),
    ("b", frozenset()),  # no words: every file
    ("c", frozenset({b"y"})),
    ("d", frozenset({b"z"})),
    ("e", frozenset({b"x", b"w"})),
]


def _one_by_one(found: frozenset[bytes]) -> list[str]:
    return [item for item, words in ITEMS if not words or not found.isdisjoint(words)]


def test_picks_what_a_test_per_item_picks_for_every_set_of_words() -> None:
    index = WordIndex(ITEMS)
    vocabulary = [b"x", b"y", b"z", b"w", b"other"]
    for size in range(len(vocabulary) + 1):
        for words in itertools.combinations(vocabulary, size):
            found = frozenset(words)
            assert index.pick(found) == _one_by_one(found), found


def test_the_plan_picks_checks_and_fact_variants_as_their_keywords_say(catalog: Catalog) -> None:
    plan = ScanPlan.build(catalog)
    facts = plan.fact_plan
    samples = [frozenset(), frozenset(plan.lexicon.words), frozenset(plan.lexicon.words[::3])]
    for found in samples:
        for lang, entries in plan.by_language.items():
            expected = [check for check, keywords in entries if not found.isdisjoint(keywords)]
            assert plan.checks_with_words(lang, found) == expected
        for lang in ("python", "typescript"):
            family = "python" if lang == "python" else "javascript"
            for picked, group in ((facts.tree_variants, facts.tree), (facts.extra_variants, facts.piggyback)):
                variants = group.get(family, ())
                expected_variants = [v for v in variants if not v.keywords or not found.isdisjoint(v.keywords)]
                assert picked(lang, found) == expected_variants
        assert facts.text_variants(found) == [
            v for v in facts.text if not v.keywords or not found.isdisjoint(v.keywords)
        ]
    assert plan.checks_with_words("python", frozenset(plan.lexicon.words))  # the samples do pick something
