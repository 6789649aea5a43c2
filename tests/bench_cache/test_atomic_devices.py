"""Writing a report to /dev/null or a FIFO must not replace the device with a file (it did: `--json /dev/null`)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from assess.atomic import write_text_atomic


def test_dev_null_stays_a_device() -> None:
    write_text_atomic(Path(os.devnull), "{}\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text_atomic(fifo, "hello")
    reader.join(timeout=10)
    assert got == [b"hello"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
