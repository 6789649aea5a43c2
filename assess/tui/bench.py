"""Time to the first frame and to the scan landing, from a cold process: `python -m assess.tui.bench [PATH]`.

The app runs headless at 80x24 in a child process (so imports count, as they do for a person), with a
throwaway answers file. Prints one line per run and the median; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import json, sys, time
from pathlib import Path
from assess.tui.app import build_app

app = build_app([sys.argv[1], "--answers", sys.argv[2]])
marks = {}

async def measure(pilot):
    marks["first_frame"] = time.time()
    while not (app.session.scanned or app.scan_line.startswith("Scan failed")):
        await pilot.pause(0.005)
    marks["scan_done"] = time.time()
    marks["files"] = app.session.snapshot.files_scanned if app.session.snapshot else 0
    app.exit()

app.run(headless=True, auto_pilot=measure, size=(80, 24))
print(json.dumps(marks))
"""


def measure_once(project: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(project), str(Path(tmp) / "answers.yaml")],
            capture_output=True,
            text=True,
            check=True,
        )
    marks = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "first_frame": marks["first_frame"] - started,
        "scan_done": marks["scan_done"] - started,
        "files": marks["files"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assess.tui.bench", description=__doc__)
    parser.add_argument("path", nargs="?", help="project to scan (default: the bundled demo)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.path:
        return _report(Path(args.path), args.runs)
    from assess.demo import unpack_demo

    with unpack_demo() as root:
        return _report(root, args.runs)


def _report(project: Path, runs: int) -> int:
    results = [measure_once(project) for _ in range(runs)]
    for r in results:
        print(f"first frame {r['first_frame']:.2f} s · scan done {r['scan_done']:.2f} s · {r['files']:.0f} files")
    first = statistics.median(r["first_frame"] for r in results)
    done = statistics.median(r["scan_done"] for r in results)
    print(f"median of {runs}: first frame {first:.2f} s, scan done {done:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
