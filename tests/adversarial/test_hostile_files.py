"""Whatever is on disk: each odd file is skipped or scanned within bounds, counted, never fatal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assess import cli


def scan(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:  # type: ignore[type-arg]
    with pytest.raises(SystemExit) as info:
        cli.main(["scan", str(root), "--json", "-", *extra])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    assert "Traceback" not in err
    return json.loads(out)  # type: ignore[no-any-return]


def test_odd_encodings_and_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    sdk = "new OpenAI({ dangerouslyAllowBrowser: true });\n"
    (root / "utf16.js").write_bytes("\ufeff".encode("utf-16-le")[:0] + sdk.encode("utf-16"))  # BOM + UTF-16
    (root / "latin1.js").write_bytes(b"// caf\xe9\n" + sdk.encode())
    (root / "nul.js").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (root / "mixed.js").write_bytes(sdk.encode() + b"\xff\xfe\xfd\n")
    (root / "empty.js").write_bytes(b"")
    data = scan(root, capsys)
    found = sorted(f["path"] for f in data["findings"] if f["check"] == "sdk-in-browser")
    assert found == ["latin1.js", "mixed.js", "utf16.js"]
    assert data["project"]["skipped_by_reason"].get("binary") == 1


def test_strange_file_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    sdk = b"new OpenAI({ dangerouslyAllowBrowser: true });\n"
    names = [
        b"new\nline.js",
        b"tab\there.js",
        b"esc\x1b[31mred.js",
        b"bad-\xff-utf8.js",
        b"<script>alert(1)<\\script>.js",
    ]
    for name in names:
        with open(os.path.join(os.fsencode(root), name), "wb") as fh:
            fh.write(sdk)
    data = scan(root, capsys)
    assert len([f for f in data["findings"] if f["check"] == "sdk-in-browser"]) == len(names)
    for finding in data["findings"]:
        finding["path"].encode("utf-8")  # every path in the JSON is valid UTF-8
    capsys.readouterr()
    with pytest.raises(SystemExit):
        cli.main(["scan", str(root)])
    out, _ = capsys.readouterr()
    assert "\x1b" not in out, "a file name must not send escape sequences to the terminal"


def test_deep_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    deep = root
    for _ in range(1000):  # os.makedirs recurses once per level
        deep = deep / "d"
        deep.mkdir()
    (deep / "x.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    try:
        data = scan(root, capsys)
        assert len(data["findings"]) == 1
    finally:
        # pytest's own clean-up recurses once per level and would hit the recursion limit
        (deep / "x.js").unlink()
        while deep != root:
            deep.rmdir()
            deep = deep.parent


def test_sparse_huge_file_is_never_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    with open(root / "huge.js", "wb") as fh:
        fh.truncate(4 * 1024**3)  # 4 GiB, sparse: reading it would take minutes and all memory
    (root / "small.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    data = scan(root, capsys)
    assert data["project"]["skipped_by_reason"]["too-large"] == 1
    assert [f["path"] for f in data["findings"]] == ["small.js"]


def test_one_long_minified_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    chunk = "var a=1;function f(b){return b+1};"
    (root / "bundle.js").write_text(
        chunk * (20 * 1024 * 1024 // len(chunk)) + "new OpenAI({dangerouslyAllowBrowser:true});"
    )
    data = scan(root, capsys)  # over the default size cap: skipped and counted
    assert data["project"]["skipped_by_reason"]["too-large"] == 1


def test_fifo_socket_and_device_are_not_opened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    root = tmp_path / "p"
    root.mkdir()
    os.mkfifo(root / "fifo.js")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock.js"))
    try:
        os.symlink("/dev/zero", root / "zero.js")
        (root / "ok.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
        data = scan(root, capsys)
    finally:
        sock.close()
    reasons = data["project"]["skipped_by_reason"]
    assert reasons["special-file"] == 2 and reasons["symlink-outside-root"] == 1
    assert [f["path"] for f in data["findings"]] == ["ok.js"]


@pytest.mark.slow
def test_two_hundred_thousand_empty_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    for folder in range(200):
        sub = root / f"f{folder}"
        sub.mkdir(parents=True)
        for i in range(1000):
            (sub / f"{i}.js").touch()
    (root / "real.js").write_text("new OpenAI({ dangerouslyAllowBrowser: true });\n")
    data = scan(root, capsys, "-q")
    assert data["project"]["files_scanned"] == 200_001
    assert [f["path"] for f in data["findings"]] == ["real.js"]
