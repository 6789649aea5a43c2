"""Prove a refactor changed no behaviour: the findings of every fixture, the demo and the bench corpus.

    python bench/differential.py --save FILE      # before the change
    python bench/differential.py --compare FILE   # after it: exit 1 and list every difference

For each tree it runs a whole assessment in this process (no cache) and keeps what a user can see of each
finding (check, path, line, column, message, snippet, severity, fingerprint) plus the project summary
(files scanned and skipped, languages, providers, models, checks run). The bench corpus (bench/corpus.py)
is included when it has been built; `--no-corpus` leaves it out. `--extra DIR` adds every folder in DIR as
a tree (for instance the real-code snapshots: a change meant to be faster must not change what they report).
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


def _picture(root: Path) -> dict[str, Any]:
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
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", metavar="FILE")
    action.add_argument("--compare", metavar="FILE")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--extra", metavar="DIR", type=Path, action="append", default=[])
    args = parser.parse_args()
    os.environ["ASSESS_NO_CACHE"] = "1"
    pictures = {name: _picture(root) for name, root in _trees(not args.no_corpus, args.extra).items()}
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
                if key == "findings":
                    gone = [f for f in old[key] if f not in new[key]]
                    came = [f for f in new[key] if f not in old[key]]
                    print(f"{name}: findings -{len(gone)} +{len(came)}")
                    for f in gone[:10]:
                        print(f"   - {f[:4]}")
                    for f in came[:10]:
                        print(f"   + {f[:4]}")
                else:
                    print(f"{name}: {key}: {old.get(key)!r} -> {new.get(key)!r}")
    total = sum(len(p["findings"]) for p in after.values())
    print(f"{len(after)} trees, {total} findings, {differences} trees differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
