"""Prove a refactor changed no behaviour: the findings of every fixture, the demo and the bench corpus.

    python bench/differential.py --save FILE      # before the change
    python bench/differential.py --compare FILE   # after it: exit 1 and list every difference

For each tree it runs a whole assessment in this process (no cache) and keeps what a user can see of each
finding (check, path, line, column, message, snippet, severity, fingerprint) plus the project summary
(files scanned and skipped, languages, providers, models, checks run). The bench corpus (bench/corpus.py)
is included when it has been built; `--no-corpus` leaves it out. `--extra DIR` adds every folder in DIR as
a tree (for instance the real-code snapshots: a change meant to be faster must not change what they report).
`--facts` also keeps every fact the judges read (kind, label, place, snippet, captures, kept text), in no
order: the stricter guard for a change to how facts are collected, since most facts change no finding.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))


def _trees(with_corpus: bool, extra: list[Path]) -> dict[str, Path]:
    from assess import paths

    trees: dict[str, Path] = {"demo": paths.demo_project_dir()}
    for check in sorted(p for p in paths.checks_dir().iterdir() if (p / "fixtures").is_dir()):
        trees[f"fixtures/{check.name}"] = check / "fixtures"
    if with_corpus:
        import corpus as corpus_mod

        trees["bench-corpus"] = corpus_mod.build().one
    for folder in extra:
        trees.update((f"extra/{tree.name}", tree) for tree in sorted(folder.iterdir()) if tree.is_dir())
    return trees


def _facts(root: Path) -> list[str]:
    """Every fact of one tree as the pipeline collects them (deferral settled, no cache), sorted."""
    from assess.catalog import load_catalog
    from assess.scan.files.discover import discover_files
    from assess.scan.files.facts import gather_facts
    from assess.scan.plan import ScanPlan
    from assess.scan.run import run_scan

    discovery = discover_files(root)
    plan = ScanPlan.build(load_catalog(), defer=True)
    output = run_scan(discovery.files, plan, gather_facts(discovery.files), 1_000_000, judge=False).output
    return sorted(
        json.dumps([f.kind, f.label, f.rel, f.line, f.column, f.end_line, f.snippet, f.values, f.lists, f.text])
        for f in output.all_facts()
    )


def _picture(root: Path, with_facts: bool = False) -> dict[str, Any]:
    from assess.assessment import ScanOptions, run_assessment
    from assess.catalog import load_catalog

    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as empty:
        options = ScanOptions(answers_path=Path(empty) / "none.yaml", display_root=".")
        result = run_assessment(root, catalog, options)
    findings = sorted(
        (f.check, f.path or "", f.line or 0, f.column or 0, f.severity, f.message, f.snippet, f.id, f.suppressed)
        for f in result.findings
    )
    project = result.project
    return {
        "findings": [list(f) for f in findings],
        "files_scanned": project.files_scanned,
        "files_skipped": project.skipped_by_reason,
        "languages": project.languages,
        "providers": project.providers,
        "models": project.models,
        "checks_run": result.checks_run,
        "checklist": [(c.id, c.status, c.score) for c in result.checklist],
        **({"facts": _facts(root)} if with_facts else {}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", metavar="FILE")
    action.add_argument("--compare", metavar="FILE")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--extra", metavar="DIR", type=Path, action="append", default=[])
    parser.add_argument("--facts", action="store_true", help="compare every fact too (run with it on both sides)")
    args = parser.parse_args()
    os.environ["ASSESS_NO_CACHE"] = "1"
    trees = _trees(not args.no_corpus, args.extra)
    pictures = {name: _picture(root, args.facts) for name, root in trees.items()}
    if args.save:
        Path(args.save).write_text(json.dumps(pictures, indent=1, sort_keys=True), encoding="utf-8")
        total = sum(len(p["findings"]) for p in pictures.values())
        print(f"saved {len(pictures)} trees, {total} findings")
        return 0
    before = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    after = json.loads(json.dumps(pictures, sort_keys=True))
    differences = 0
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        differences += 1
        if old is None or new is None:
            print(f"{name}: only {'after' if old is None else 'before'}")
            continue
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                if key in ("findings", "facts"):  # tens of thousands of facts: compared as sets of their JSON
                    olds, news = ({json.dumps(f): f for f in side.get(key, [])} for side in (old, new))
                    gone = [olds[k] for k in sorted(olds.keys() - news.keys())]
                    came = [news[k] for k in sorted(news.keys() - olds.keys())]
                    print(f"{name}: {key} -{len(gone)} +{len(came)}")
                    for sign, items in (("-", gone), ("+", came)):
                        for f in items[:10]:
                            print(f"   {sign} {f[:4] if isinstance(f, list) else f[:200]}")
                else:
                    print(f"{name}: {key}: {old.get(key)!r} -> {new.get(key)!r}")
    total = sum(len(p["findings"]) for p in after.values())
    print(f"{len(after)} trees, {total} findings, {differences} trees differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
