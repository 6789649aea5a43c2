"""Property: random and mutated source in every supported language never crashes the engine, and
no finding points outside its file. `make test` runs a short pass; `make fuzz` the long campaign."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess import paths
from assess.catalog import load_catalog
from assess.fakekeys import materialize
from assess.scan.engine import decode, scan_text
from assess.scan.facts import ProjectFacts
from assess.scan.plan import ScanPlan

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CATALOG = load_catalog()
PLAN = ScanPlan.build(CATALOG)
FACTS = ProjectFacts()
NAMES = ["app.js", "page.tsx", "route.ts", "worker.py", ".env", "config.yaml", "notebook.ipynb", "index.html"]
SEEDS = [
    materialize(p.read_text(encoding="utf-8", errors="replace"), "fuzz")
    for p in sorted(paths.checks_dir().glob("*/fixtures/**/*"))
    if p.is_file()
]
KEYWORDS = sorted({k for c in CATALOG.checks.values() for k in c.keywords})


def _check(name: str, data: bytes) -> None:
    text = decode(data)
    if text is None:
        return
    lines = max(1, text.count("\n") + 1)
    for finding in scan_text(name, data, text, PLAN, FACTS):
        assert 1 <= finding.line <= lines, (name, finding.line, lines)
        assert finding.column >= 1


@given(name=st.sampled_from(NAMES), body=st.text(max_size=400), keyword=st.sampled_from(KEYWORDS))
def test_random_text(name: str, body: str, keyword: str) -> None:
    # a keyword makes sure the file gets past the prefilter and is really parsed
    _check(name, (keyword + body + keyword).encode("utf-8", "surrogatepass"))


@given(
    name=st.sampled_from(NAMES),
    seed=st.sampled_from(SEEDS),
    cuts=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 40), st.binary(max_size=20)), max_size=6),
)
def test_mutated_fixtures(name: str, seed: str, cuts: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(seed.encode("utf-8"))
    for at, drop, insert in cuts:
        at = min(at, len(data))
        data[at : at + drop] = insert
    _check(name, bytes(data))
