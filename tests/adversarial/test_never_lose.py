"""Never lose work: a process killed while writing leaves the previous file whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assess.answers import load_answers
from assess.catalog import Catalog

WRITER = """
import sys
from pathlib import Path
from assess.answers import save_answer
from assess.catalog import load_catalog
catalog = load_catalog()
path = Path(sys.argv[1])
values = ["hard-limit", "alert-only", "none", "not-sure"]
print("ready", flush=True)
i = 0
while True:
    save_answer(path, catalog, "spend-limit", values[i % 4])
    save_answer(path, catalog, "retry-policy", ["capped", "partly"][i % 2])
    i += 1
"""


def test_killed_writer_leaves_a_whole_file(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / ".assess" / "answers.yaml"
    for round_ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.03 * round_)  # kill at a different point of the write cycle each round
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        answers = load_answers(path, catalog)  # raises if the file were torn
        assert answers["spend-limit"].value in ("hard-limit", "alert-only", "none", "not-sure")
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    # a kill between mkstemp and rename can leave a temp file; it must never replace the answers
    assert all(name.startswith(".answers.yaml.") for name in leftovers)
