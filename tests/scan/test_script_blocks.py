"""Script blocks of .vue/.svelte/.astro/.html files are parsed where they sit: findings keep the
file's own line and column numbers."""

from __future__ import annotations

import pytest

from assess.catalog import Catalog
from assess.scan.engine import scan_text
from assess.scan.facts import ProjectFacts
from assess.scan.languages import keep_only, script_regions
from assess.scan.plan import ScanPlan

FLAG = "new OpenAI({ apiKey: k, dangerouslyAllowBrowser: true })"


@pytest.mark.parametrize(
    ("rel", "text", "line", "column"),
    [
        (
            "Ask.vue",
            f'<template>\n  <p>hi</p>\n</template>\n<script setup lang="ts">\nconst c = {FLAG};\n</script>\n',
            5,
            35,
        ),
        ("Ask.svelte", f"<script>\n  let x = 1;\n  const c = {FLAG};\n</script>\n<h1>hi</h1>\n", 3, 37),
        ("page.html", f'<html><body>\n<script type="module">const c = {FLAG};</script>\n</body></html>\n', 2, 57),
        ("index.astro", f"---\nconst s = 1;\n---\n<div/>\n<script>\n  const c = {FLAG};\n</script>\n", 6, 37),
    ],
)
def test_findings_keep_their_position(catalog: Catalog, rel: str, text: str, line: int, column: int) -> None:
    plan = ScanPlan.build(catalog, ["sdk-in-browser"])
    found = scan_text(rel, text.encode(), text, plan, ProjectFacts())
    assert [(f.line, f.column) for f in found] == [(line, column)]
    assert text.splitlines()[line - 1][column - 1 :].startswith("dangerouslyAllowBrowser")


def test_regions_and_languages() -> None:
    text = (
        "---\nimport x from 'y';\n---\n"
        '<script type="application/ld+json">{"a": 1}</script>\n'
        '<script src="/app.js"></script>\n'
        '<script lang="tsx">const a = <b/>;</script>\n'
        "<script>const c = 1;</script>\n"
    )
    regions = script_regions("page.astro", text)
    assert regions is not None
    assert [(r.lang, r.server, text[r.start : r.end]) for r in regions] == [
        ("typescript", True, "import x from 'y';"),
        ("tsx", False, "const a = <b/>;"),
        ("typescript", False, "const c = 1;"),
    ]
    assert script_regions("app.ts", text) is None


def test_keep_only_blanks_the_rest_and_keeps_positions() -> None:
    text = "ab\ncd<x>ef\ngh"
    kept = keep_only(text, [(6, 7)])
    assert len(kept) == len(text) and kept.count("\n") == 2 and kept[6] == "x" and kept.strip() == "x"
