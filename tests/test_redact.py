"""Redaction takes its key shapes as an argument: the engine passes the catalog's, renderers none, and
nothing done before (loading a catalog, building a scan plan) changes what either returns."""

from __future__ import annotations

import re

import pytest

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


def test_secrets_no_shape_names_are_redacted_and_names_are_not() -> None:
    aws_id, aws_secret, azure = (
        "AKIAQ3EGUV5NXJ7WHK2P",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYZq8Tw3Lm4A",
        "6e54aefcf00078cacc55e27c8d1367ca",
    )
    for secret in (aws_id, aws_secret, azure):
        assert secret not in redact_text(f'x = "{secret}"'), secret
    for name in (
        "claude-3-5-sonnet-20241022",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "https://api.openai.com/v1/chat/completions",
        "123e4567-e89b-12d3-a456-426614174000",
    ):
        assert redact_text(f'model: "{name}"') == f'model: "{name}"', name


def test_a_secret_split_into_short_strings_is_redacted_piece_by_piece() -> None:
    secret = "Zq8Wm2Lr5Tx9Kb4Nd7Hf3Jv6Pc1Ys0Ga"
    for joined in (f'"{secret[:12]}" + "{secret[12:]}"', f"'{secret[:12]}' '{secret[12:]}'"):
        out = redact_text(f"key = {joined};")
        assert secret[:12] not in out and secret[12:] not in out, out
    assert redact_text('"Bearer " + token') == '"Bearer " + token'
    assert redact_text('"hello " + "world"') == '"hello " + "world"'


def test_a_path_loses_only_the_component_that_is_a_key() -> None:
    key = "Zq8Wm2Lr5Tx9Kb4Nd7Hf3Jv6Pc1Ys0Ga"
    assert Redactor().path(f"web/{key}.js") == f"web/{redact(key)}.js"
    for path in ("src/MyApplicationBackend2024Service/index.ts", "dist/assets/index-3f9a8b7c6d5e4f3a.js"):
        assert Redactor().path(path) == path


def _within(items: object, allowed: set[int]) -> bool:
    """Whether every character a parsed regex can match (lookarounds aside) is in `allowed`."""
    from re import _constants as c  # type: ignore[attr-defined]

    def chars_of(kind: object, value: object) -> list[int] | None:
        if kind is c.LITERAL:
            return [value]  # type: ignore[list-item]
        if kind is c.RANGE:
            low, high = value  # type: ignore[misc]
            return list(range(low, high + 1))
        return None  # a category (\\w, \\d...) or a negation: not within a fixed set

    for op, arg in items:  # type: ignore[attr-defined]
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue
        if op in (c.LITERAL, c.IN):
            for kind, value in arg if op is c.IN else [(op, arg)]:
                found = chars_of(kind, value)
                if found is None or not set(found) <= allowed:
                    return False
            continue
        if op is c.SUBPATTERN:
            inner = [arg[-1]]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            inner = [arg[2]]
        elif op is c.BRANCH:
            inner = arg[1]
        else:
            return False  # anything else (a backreference, any character): not a fixed set
        if not all(_within(part, allowed) for part in inner):
            return False
    return True


def test_every_shape_free_secret_holds_the_run_redact_text_looks_for_first() -> None:
    """redact_text skips shape-free text with no long run: every shape it would redact must need one."""
    from re import _parser  # type: ignore[attr-defined]

    from assess.redact import _TOKEN, RUN_FLOOR, WELL_KNOWN

    allowed = {ord(ch) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=."}
    for pattern in (*WELL_KNOWN, _TOKEN):
        parsed = _parser.parse(pattern.pattern)
        assert parsed.getwidth()[0] >= RUN_FLOOR, pattern.pattern
        assert _within(parsed, allowed), pattern.pattern
    # and the fast path changes nothing: short runs stay, long ones are still redacted
    line = 'key = "AKIAABCDEFGHIJKLMNOP"  # aws'
    assert "ABCDEFGHIJKLMNOP" not in redact_text(line)
    assert redact_text("x = call(a, b)  # short words only") == "x = call(a, b)  # short words only"


WELL_KNOWN_SAMPLES = [
    "AKIAQ3EGUV5NXJ7WHK2P",
    "ASIAQ3EGUV5NXJ7WHK2P",
    "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
    "github_pat_" + "11ABCDEFG0123456789_abcdefghijKLMNOP",
    "xoxb-1234567890-abc",  # shorter than any random token: only its shape hides it
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "rk_test_" + "4eC39HqLyjWDarjtT1zdp7dc",
]


@pytest.mark.parametrize("secret", WELL_KNOWN_SAMPLES)
def test_well_known_shapes_are_redacted_and_their_quick_test_sees_them(secret: str) -> None:
    """redact_text runs the WELL_KNOWN shapes only where _WELL_KNOWN_HINT finds something: it must find
    every secret one of them matches."""
    from assess.redact import _WELL_KNOWN_HINT, WELL_KNOWN

    assert any(p.search(f"k = '{secret}'") for p in WELL_KNOWN)
    assert _WELL_KNOWN_HINT.search(secret)
    assert secret not in redact_text(f"token = '{secret}'  # here")
    assert secret not in redact_text(f"token = {secret}")
