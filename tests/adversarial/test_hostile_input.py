"""A hostile repository or an unlucky user: every input ends in a result or one line and exit 2, in bounded
time and memory (issue 16: reproductions 11-18 and 25)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assess import cli
from assess.fakekeys import fake_key
from assess.safe_read import RefusedFile, read_capped

REPO = Path(__file__).resolve().parents[2]
SDK = "new OpenAI({ dangerouslyAllowBrowser: true });\n"


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=a@b", "-c", "user.name=a", *args], check=True, capture_output=True
    )


def _repo(root: Path) -> Path:
    root.mkdir(parents=True)
    _git(root, "init", "-q")
    return root


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def _assess(
    *argv: str, cwd: Path | None = None, timeout: float = 120, **popen: object
) -> subprocess.CompletedProcess[str]:
    """`assess` in a child process with at most 3 GB of address space: an unbounded read dies, not the host."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, 3_000_000_000))

    env = {**os.environ, "PYTHONPATH": str(REPO), "ASSESS_NO_TUI": "1", "ASSESS_NO_CACHE": "1"}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "assess", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        **popen,
    )


def _one_line_exit_2(proc: subprocess.CompletedProcess[str], *names: str) -> None:
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("assess: "), proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    for name in names:
        assert name in lines[0], f"the line names {name}: {lines[0]}"


# --- 11, 18: --history and every file name git quotes -------------------------------------------------------

HISTORY_NAMES = ['Отчёт"Q1".txt', 'my "keys".txt', "my keys.txt", "tab\there.txt", "back\\slash.txt", "日本.txt"]


def test_history_finds_keys_in_every_file_name_git_quotes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path / "p")
    for index, name in enumerate(HISTORY_NAMES):
        (root / name).write_text(f'k = "{fake_key("anthropic", f"name{index}")}"\n')
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "add")
    _git(root, "rm", "-q", "--", *HISTORY_NAMES)
    _git(root, "commit", "-qm", "remove")
    code, out, err = _main(capsys, "scan", str(root), "-q", "--history", "--json", "-")
    assert code == 0, err
    found = sorted(f["path"] for f in json.loads(out)["findings"] if "history" in f["message"])
    assert found == sorted(HISTORY_NAMES)


def test_history_with_many_keys_on_one_line_stays_linear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _repo(tmp_path / "p")
    keys = ";".join(f'var k{i}="{fake_key("groq", str(i))}"' for i in range(400))
    (root / "bundle.js").write_text("var a=1;" * 50_000 + keys + "\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "add")
    _git(root, "rm", "-q", "bundle.js")
    _git(root, "commit", "-qm", "remove")
    started = time.monotonic()
    code, out, err = _main(capsys, "scan", str(root), "-q", "--history", "--json", "-")
    assert code == 0, err
    assert len([f for f in json.loads(out)["findings"] if "history" in f["message"]]) == 400
    assert time.monotonic() - started < 30, "400 keys on one 400 kB line"


# --- 12, 13: size caps that hold for devices, FIFOs and links to them ------------------------------------------


def test_read_capped_refuses_devices_fifos_and_large_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # nobody writes to it: a blocking open would wait forever
    os.symlink("/dev/zero", tmp_path / "zero")
    (tmp_path / "big").write_bytes(b"x" * 11)
    (tmp_path / "ok").write_bytes(b"x" * 10)
    for name in ("fifo", "zero", "big"):
        with pytest.raises(RefusedFile):
            read_capped(tmp_path / name, 10)
    assert read_capped(tmp_path / "ok", 10) == b"x" * 10


def test_changed_since_never_reads_a_committed_link_to_dev_zero(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p")
    (root / "a.js").write_text(SDK)
    os.symlink("/dev/zero", root / "zero")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "x")
    proc = _assess("scan", ".", "-q", "--changed-since", "HEAD", cwd=root)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", ["answers.yaml", "ignore.yaml"])
def test_answers_or_ignore_file_as_dev_zero_or_fifo_is_refused(tmp_path: Path, name: str) -> None:
    zero = tmp_path / "zero"
    (zero / ".assess").mkdir(parents=True)
    (zero / "a.js").write_text("x\n")
    os.symlink("/dev/zero", zero / ".assess" / name)
    _one_line_exit_2(_assess("scan", str(zero), "-q", timeout=60), name)
    fifo = tmp_path / "fifo"
    (fifo / ".assess").mkdir(parents=True)
    (fifo / "a.js").write_text("x\n")
    os.mkfifo(fifo / ".assess" / name)
    _one_line_exit_2(_assess("scan", str(fifo), "-q", timeout=60), name)


def test_render_or_baseline_from_dev_zero_is_refused(tmp_path: Path) -> None:
    _one_line_exit_2(_assess("render", "/dev/zero", "--json", str(tmp_path / "r.json"), timeout=60), "/dev/zero")
    (tmp_path / "a.js").write_text("x\n")
    _one_line_exit_2(_assess("scan", str(tmp_path), "-q", "--baseline", "/dev/zero", timeout=60), "/dev/zero")


def test_a_gitignore_fifo_does_not_hang_discovery(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    root.mkdir()
    os.mkfifo(root / ".gitignore")
    (root / "a.js").write_text(SDK)
    code, out, err = _main(capsys, "scan", str(root), "--json", "-")
    assert code == 0, err
    assert [f["path"] for f in json.loads(out)["findings"]] == ["a.js"]


# --- 14: every bad input is one line and exit 2, naming the file (and line) -------------------------------------

IGNORE = "version: 1\nignore:\n  - check: sdk-in-browser\n"
STALE_ANSWER = (
    'version: 1\nanswers:\n  spend-limit:\n    value: hard-limit\n    answered_at: "2026-01-01T00:00:00+00:00"\n'
)
BAD_INPUTS = {
    "ignore glob [z-a]": (".assess/ignore.yaml", IGNORE + '    path: "[z-a]"\n    reason: x\n', "ignore.yaml:4"),
    "ignore glob !": (".assess/ignore.yaml", IGNORE + '    path: "!"\n    reason: x\n', "ignore.yaml:4"),
    "ignore expires Feb 30": (
        ".assess/ignore.yaml",
        IGNORE + "    reason: x\n    expires: 2027-02-30\n",
        "ignore.yaml:5",
    ),
    "answers month 13": (
        ".assess/answers.yaml",
        "version: 1\nanswers:\n  spend-limit:\n    value: hard-limit\n    answered_at: 2026-13-45\n",
        "answers.yaml:5",
    ),
    "answers 5000 digits": (".assess/answers.yaml", "version: " + "9" * 5000 + "\n", "answers.yaml:1"),
    "config exclude glob": (".assess.toml", 'exclude = ["[z-a]"]\n', ".assess.toml:1"),
    "pyproject tool = 5": ("pyproject.toml", "tool = 5\n", "pyproject.toml:1"),
    "toml 3000 deep": (".assess.toml", "x = " + "[" * 3000 + "]" * 3000 + "\n", ".assess.toml"),
    "stale_answer_days 1e6": (".assess.toml", "stale_answer_days = 1000000\n", ".assess.toml:1"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_project_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    rel, content, where = BAD_INPUTS[case]
    root = tmp_path / "p"
    (root / ".assess").mkdir(parents=True)
    (root / "a.js").write_text("x\n")
    (root / rel).write_text(content)
    if case.startswith("stale"):
        (root / ".assess" / "answers.yaml").write_text(STALE_ANSWER)
    code, _, err = _main(capsys, "scan", str(root), "-q")
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("assess: ") and where in err, err
    assert "internal error" not in err


def test_ignore_file_in_a_symlink_loop_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    (root / ".assess").mkdir(parents=True)
    (root / "a.js").write_text("x\n")
    os.symlink("ignore.yaml", root / ".assess" / "ignore.yaml")
    code, _, err = _main(capsys, "scan", str(root), "-q")
    assert code == 2 and "ignore.yaml" in err and err.count("\n") == 1, err


def test_a_deeply_nested_manifest_is_ignored_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "package.json").write_text('{"dependencies": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (tmp_path / "a.js").write_text(SDK)
    code, out, err = _main(capsys, "scan", str(tmp_path), "--json", "-")
    assert code == 0, err
    assert [f["path"] for f in json.loads(out)["findings"]] == ["a.js"]


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["--max-file-size", "9" * 30], {}),
        ([], {"ASSESS_STALE_ANSWER_DAYS": "99999999999"}),
        ([], {"ASSESS_MAX_FILE_SIZE": "9" * 30}),
    ],
)
def test_huge_numbers_are_one_line_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    environ: dict[str, str],
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "a.js").write_text("x\n")
    code, _, err = _main(capsys, "scan", str(tmp_path), "-q", *argv)
    assert code == 2 and err.count("\n") == 1 and "internal error" not in err, err


def test_closed_or_full_stdout_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("x\n")
    proc = subprocess.run(
        f'"{sys.executable}" -m assess scan "{tmp_path}" >&-',
        shell=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "ASSESS_NO_TUI": "1"},
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )
    _one_line_exit_2(subprocess.CompletedProcess(proc.args, proc.returncode, "", proc.stderr), "stdout")
    both = subprocess.run(
        f'"{sys.executable}" -m assess scan "{tmp_path}" >&- 2>&-',
        shell=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "ASSESS_NO_TUI": "1"},
        timeout=120,
    )
    assert both.returncode == 2, "stdout and stderr closed: still bad usage, never an uncaught error"
    if not os.path.exists("/dev/full"):
        return
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "assess", "scan", str(tmp_path)],
            env={**os.environ, "PYTHONPATH": str(REPO), "ASSESS_NO_TUI": "1"},
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    _one_line_exit_2(subprocess.CompletedProcess(proc.args, proc.returncode, "", proc.stderr), "No space left")


# --- 16: after --files, file names only ---------------------------------------------------------------------------


def test_a_staged_file_named_like_an_option_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "app.js").write_text(f'const OPENAI_API_KEY = "{fake_key("openai-project", "files")}";\n')
    (root / "--help").write_text("docs\n")
    (root / "--json=x").write_text("docs\n")
    monkeypatch.chdir(root)
    hook = ["scan", "--only", "backend-proxy,key-hygiene", "--fail-on", "high", "--quiet", "--files"]
    code, out, err = _main(capsys, *hook, "--help", "--json=x", "app.js")
    assert code == 1, f"the key in app.js must fail the gate: {out}{err}"
    assert "usage:" not in out
    assert not (root / "x").exists(), "--json=x is a file name, not an output"


# --- 17: no input makes a scan superlinear ------------------------------------------------------------------------


def _ternaries(root: Path, n: int) -> None:
    root.mkdir(parents=True)
    chain = "a ? b : " * n
    call = 'o.chat.completions.create({model:"gpt-4o"});'
    (root / "t.js").write_text(f'import OpenAI from "openai"; const o = new OpenAI(); const v = {chain}{call}\n')


def test_deep_nesting_is_cut_short_and_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ternaries(tmp_path / "p", 3000)
    (tmp_path / "p" / "ok.js").write_text(SDK)
    code, out, err = _main(capsys, "scan", str(tmp_path / "p"), "--json", "-")
    assert code == 0, err
    data = json.loads(out)
    assert data["project"]["files_cut_short"] == ["t.js"]
    assert "t.js" in err and "nested too deeply" in err
    assert [f["path"] for f in data["findings"] if f["check"] == "sdk-in-browser"] == ["ok.js"]


@pytest.mark.slow
def test_twenty_thousand_nested_ternaries_scan_in_seconds(tmp_path: Path) -> None:
    _ternaries(tmp_path / "p", 20_000)  # minutes before the cap
    started = time.monotonic()
    proc = _assess("scan", str(tmp_path / "p"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 30


@pytest.mark.slow
def test_many_keys_on_one_long_bundle_line_scan_in_seconds(tmp_path: Path) -> None:
    web = tmp_path / "p" / "web"
    (web / "dist").mkdir(parents=True)
    (web / "package.json").write_text('{"dependencies":{"vite":"5","react":"18"}}')
    keys = ";".join(f'var k{i}="{fake_key("groq", str(i))}"' for i in range(300))
    (web / "dist" / "app.js").write_text("var a=1;" * 500_000 + keys)  # one 4 MB line
    started = time.monotonic()
    proc = _assess("scan", str(tmp_path / "p"), "-q", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert len(findings) >= 300 and all(len(f["snippet"]) <= 200 for f in findings)
    assert time.monotonic() - started < 30, "the line is redacted around each snippet, not whole per key"


# --- 25: tracked paths through a symlinked folder -------------------------------------------------------------------


def test_tracked_path_through_a_symlinked_folder_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "data.js").write_text("OUTSIDE-THE-ROOT " + SDK)
    root = _repo(tmp_path / "p")
    (root / "shared").mkdir()
    (root / "shared" / "data.js").write_text(SDK)
    (root / "a.js").write_text(SDK)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "x")
    (root / "shared" / "data.js").unlink()
    (root / "shared").rmdir()
    os.symlink(secret, root / "shared")
    code, out, err = _main(capsys, "scan", str(root), "--json", "-")
    assert code == 0, err
    data = json.loads(out)
    assert [f["path"] for f in data["findings"]] == ["a.js"]
    assert "OUTSIDE" not in out
    assert data["project"]["skipped_by_reason"]["symlink-outside-root"] == 2  # the link, and the path through it


# --- 15: Ctrl-C during the parallel scan ----------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(c) for c in fh.read().split()]
    except OSError:
        return []


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc to see the workers start")
def test_ctrl_c_in_the_parallel_scan_ends_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for i in range(1500):
        (root / f"f{i}.js").write_text(f"new OpenAI({{ dangerouslyAllowBrowser: true }}); // {i}\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "ASSESS_NO_TUI": "1", "ASSESS_NO_CACHE": "1", "ASSESS_WORKERS": "2"}
    for delay in (0.0, 0.3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "assess", "scan", str(root), "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal
        )
        waited = 0.0
        while len(_children(proc.pid)) < 2 and waited < 60:  # the pool's workers are up
            time.sleep(0.02)
            waited += 0.02
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C goes to the whole foreground group
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail("assess hung after Ctrl-C")
        text = err.decode(errors="replace")
        assert proc.returncode == 130, text
        assert text.splitlines() == ["assess: interrupted"], text
