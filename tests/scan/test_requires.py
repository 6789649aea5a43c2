"""A check's `requires` groups: a file with the check's keywords but none of a group's literals is never
parsed for that check (so it can stay deferred), and one with them is."""

from __future__ import annotations

from assess.catalog import Catalog
from assess.scan.files.facts import ProjectFacts
from assess.scan.matching.engine import _structural_work, scan_text
from assess.scan.plan import ScanPlan

CHECK = "retry-loop-without-cap"
# an LLM client file with a loop but no error handling at all: the retry check has nothing to look at
QUIET = b"from openai import OpenAI\nclient = OpenAI()\nwhile True:\n    print(client)\n"
# the same loop with an error handler: now the check must run (and it reports the uncapped retry)
LOUD = (
    b"import time\nfrom openai import OpenAI\nclient = OpenAI()\n\ndef ask(q):\n    while True:\n        try:\n"
    b"            return client.chat.completions.create(model='gpt-4o', messages=[q])\n"
    b"        except Exception:\n            time.sleep(1)\n"
)


def test_the_requires_groups_are_part_of_the_plan(catalog: Catalog) -> None:
    plan = ScanPlan.build(catalog, [CHECK])
    (group,) = plan.requires[CHECK]
    assert b"except" in group and b"catch" in group
    assert plan.lexicon.find(b"try: pass\nexcept ValueError: pass") >= {b"except"}


def test_a_file_without_a_required_literal_is_not_matched(catalog: Catalog) -> None:
    plan = ScanPlan.build(catalog, [CHECK])
    for text, runs in ((QUIET, False), (LOUD, True)):
        work = _structural_work(plan, plan.lexicon.find(text), "python", "backend", [])
        assert (work is not None and any(c.id == CHECK for c in work[0])) is runs
    loud = scan_text("app/llm.py", LOUD, LOUD.decode(), plan, ProjectFacts())
    assert [f.line for f in loud if f.check.id == CHECK] == [6]
