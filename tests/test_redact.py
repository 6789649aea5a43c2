"""Redaction takes its key shapes as an argument: the engine passes the catalog's, renderers none, and
nothing done before (loading a catalog, building a scan plan) changes what either returns."""

from __future__ import annotations

import re

from assess.catalog import Catalog
from assess.redact import Redactor, redact, redact_text
from assess.scan.matching.engine import ScanPlan

# lower case letters only: a shape the random-token pass never takes for a key on its own
SHAPE = r"qq-[a-z]{20}"
KEY = "qq-" + "abcdefghijklmnopqrst"
GROUPED = r"token=(?P<key>[a-z]{20})"


def test_a_known_shape_is_redacted_only_where_it_is_passed() -> None:
    text = f'key = "{KEY}"'
    assert redact_text(text) == text
    assert redact_text(text, [re.compile(SHAPE)]) == f'key = "{redact(KEY)}"'
    assert Redactor.of([SHAPE])(text) == f'key = "{redact(KEY)}"'


def test_a_shape_with_a_key_group_keeps_its_surroundings() -> None:
    secret = "abcdefghijklmnopqrst"
    assert Redactor.of([GROUPED])(f"url?token={secret}") == f"url?token={redact(secret)}"


def test_a_repeated_shape_counts_once() -> None:
    assert Redactor.of([SHAPE, SHAPE, GROUPED]).shapes == (re.compile(SHAPE), re.compile(GROUPED))


def test_random_tokens_are_redacted_without_any_shape() -> None:
    token = "Zq8Wm2Lr5Tx9Kb4Nd7Hf3Jv6"
    assert redact_text(f"x = {token}") == f"x = {redact(token)}"


def test_shape_free_redaction_does_not_depend_on_what_ran_before(catalog: Catalog) -> None:
    text = f"{KEY} = {{KEY}}"
    before = redact_text(text)
    plan = ScanPlan.build(catalog)
    assert plan.keys.redactor.shapes  # the engine's redactor holds the catalog's shapes
    assert redact_text(text) == before
