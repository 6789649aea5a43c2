"""`make bench`: assess against ast-grep's CLI and semgrep on a corpus of real code, with the figures of issue 7.

    python bench/run.py [--runs N] [--quick] [--readme] [--no-semgrep] [--no-10x] [--baseline REF]

Every figure is the median of N runs with the min-max range; the baselines run in the same session,
interleaved with assess, so a busy machine slows all of them alike. `--baseline REF` measures the assess of
a git ref (a commit, a tag, `main`) the same way, interleaved, and adds a column with its figures and the
ratio: the honest test of "no figure more than 15% worse" on a machine other than the one the README's
table was measured on (`make bench BENCH_ARGS="--baseline <commit>"`). Memory is the peak of the summed PSS of
the whole process tree (workers included, shared pages split fairly), sampled every 20 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import corpus as corpus_mod  # noqa: E402  (bench/ is not a package)
import rules as rules_mod  # noqa: E402

BIN = Path(sys.executable).parent
ASSESS = str(BIN / "assess")
AST_GREP = str(BIN / "ast-grep") if (BIN / "ast-grep").exists() else shutil.which("ast-grep") or "ast-grep"
SEMGREP = str(BIN / "semgrep") if (BIN / "semgrep").exists() else shutil.which("semgrep") or "semgrep"
README_START = "## Speed"


# --- one timed process ------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the process and every child it waited for
    pss_mb: float  # peak of the tree's summed PSS
    rc: int


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for index in range(1000):
        if index >= len(pids):
            break
        try:
            with open(f"/proc/{pids[index]}/task/{pids[index]}/children") as fh:
                pids.extend(int(p) for p in fh.read().split())
        except OSError:
            continue
    return pids


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def timed(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` with output discarded: wall time, CPU time and peak memory of its whole process tree."""
    peak = 0
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_pss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        print(f"bench: {' '.join(cmd[:3])} exited {proc.returncode}: {' / '.join(tail)}", file=sys.stderr)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak / 1024, proc.returncode)


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def add(self, run: Run) -> None:
        self.runs.append(run)

    def stat(self, attr: str = "wall") -> tuple[float, float, float]:
        values = [getattr(r, attr) for r in self.runs]
        return statistics.median(values), min(values), max(values)

    @property
    def median(self) -> float:
        return self.stat()[0]


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_series(series: Series, attr: str = "wall") -> str:
    med, low, high = series.stat(attr)
    if attr == "pss_mb":
        return f"{med:.0f} MB ({low:.0f}–{high:.0f})"
    return f"{fmt(med)} ({fmt(low)}–{fmt(high)})"


# --- the measurements -------------------------------------------------------------------------


OUT_JSON = Path(tempfile.gettempdir()) / f"assess-bench-{os.getpid()}.json"


# The console script's body: a baseline tree runs as the installed command does, from its own sources
_SCRIPT = "import sys; from assess.cli import main; sys.exit(main())"


@dataclass(frozen=True)
class Build:
    """One assess to measure: this tree's (the installed command) or a baseline ref's sources."""

    name: str
    tree: Path = REPO
    baseline: bool = False

    def command(self) -> list[str]:
        return [sys.executable, "-c", _SCRIPT] if self.baseline else [ASSESS]

    def env(self) -> dict[str, str] | None:
        # its own user cache: the validated catalog is kept in one file per cache folder, and two builds
        # taking turns would each find the other's there and validate theirs again on every run
        if not self.baseline:
            return None
        return {**os.environ, "PYTHONPATH": str(self.tree), "XDG_CACHE_HOME": str(self.tree.parent / "cache")}


THIS = Build("this tree")


def assess_cmd(path: Path, build: Build = THIS) -> list[str]:
    # a real file, not /dev/null: the result is written whole, as a user's run writes it
    return [*build.command(), "scan", str(path), "--include-vendored", "--json", str(OUT_JSON), "-q"]


def baseline_tree(ref: str, into: Path) -> Build:
    """A worktree of `ref` to measure: its sources run with this environment's dependencies."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{ref}^{{commit}}"], capture_output=True, text=True
    )
    if sha.returncode != 0:
        raise SystemExit(f"bench: --baseline {ref}: not a commit of this repository")
    tree = into / "baseline"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(tree), sha.stdout.strip()], check=True
    )
    return Build(f"{ref} ({sha.stdout.strip()[:7]})", tree, baseline=True)


def drop_tree(build: Build) -> None:
    if build.baseline:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(build.tree)], check=False)


def clear_cache(path: Path) -> None:
    shutil.rmtree(path / ".assess", ignore_errors=True)


def machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0.0
    cpu = model or platform.processor() or "unknown CPU"
    return f"{cores} cores ({cpu}), {mem:.0f} GiB RAM, Linux {platform.release()}, Python {platform.python_version()}"


def version_of(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.returncode == 0 else "not installed"


def phases(path: Path, runs: int, warm: bool = False, build: Build = THIS) -> dict[str, tuple[float, float, float]]:
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        cmd = [sys.executable, str(build.tree / "bench" / "phases.py"), str(path), *(["--warm"] if warm else [])]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=build.env())
        samples.append(json.loads(out.stdout))
        clear_cache(path)
    return {
        k: (statistics.median(s[k] for s in samples), min(s[k] for s in samples), max(s[k] for s in samples))
        for k in samples[0]
    }


def paired_phases(
    path: Path, runs: int, base: Build, warm: bool = False
) -> tuple[dict[str, tuple[float, float, float]], dict[str, tuple[float, float, float]]]:
    """`phases` of this tree and of `base`, one run of each in turn, the order swapped every pair (ABBA): a
    run that goes first after the other build's is no more this tree's than the baseline's."""
    mine: list[dict[str, tuple[float, float, float]]] = []
    theirs: list[dict[str, tuple[float, float, float]]] = []
    for index in range(runs):
        if index % 2:
            theirs.append(phases(path, 1, warm, base))
            mine.append(phases(path, 1, warm))
        else:
            mine.append(phases(path, 1, warm))
            theirs.append(phases(path, 1, warm, base))
    return _merged(mine), _merged(theirs)


def _merged(samples: list[dict[str, tuple[float, float, float]]]) -> dict[str, tuple[float, float, float]]:
    return {
        k: (statistics.median(s[k][0] for s in samples), min(s[k][1] for s in samples), max(s[k][2] for s in samples))
        for k in samples[0]
    }


def paired_tui(runs: int, base: Build) -> tuple[tuple[str, float | None], tuple[str, float | None]]:
    """The TUI's first frame of this tree and of `base`, one run of each in turn."""
    found: dict[str, list[float]] = {"this": [], "base": []}
    for _ in range(runs):
        for key, build in (("this", THIS), ("base", base)):
            _text, med = tui_first_frame(1, build)
            if med is not None:
                found[key].append(med)

    def figure(values: list[float]) -> tuple[str, float | None]:
        if not values:
            return "not available", None
        med = statistics.median(values)
        return f"{fmt(med)} ({fmt(min(values))}–{fmt(max(values))})", med

    return figure(found["this"]), figure(found["base"])


def pdf_renders(runs: int, work: Path, base: Build, mine: Series) -> Series:
    """`assess render --pdf` of `base` on its own demo result, each run followed by one more of this tree's
    (added to `mine`), so both are measured in the same minutes."""
    result = work / "demo-baseline.json"
    cmd = base.command()
    subprocess.run([*cmd, "demo", "--json", str(result), "-q"], capture_output=True, check=False, env=base.env())
    theirs = Series()
    if not result.is_file() or not mine.runs:
        return theirs
    for _ in range(runs):
        theirs.add(timed([*cmd, "render", str(result), "--pdf", str(work / "base.pdf")], env=base.env()))
        mine.add(timed([ASSESS, "render", str(work / "demo.json"), "--pdf", str(work / "demo.pdf")]))
    return theirs


def help_time(runs: int, build: Build = THIS, other: Build | None = None) -> tuple[Series, Series]:
    """`--help` of `build` (and of `other`, run for run: a figure of milliseconds moves with the machine)."""
    series, theirs = Series(), Series()
    for _ in range(runs):
        series.add(timed([*build.command(), "--help"], env=build.env()))
        if other is not None:
            theirs.add(timed([*other.command(), "--help"], env=other.env()))
    return series, theirs


def tui_first_frame(runs: int, build: Build = THIS) -> tuple[str, float | None]:
    code = (
        "import json, statistics\n"
        "from assess.tui.bench import measure_once\n"
        "from assess.demo import unpack_demo\n"
        f"with unpack_demo() as root:\n"
        f"    r = [measure_once(root)['first_frame'] for _ in range({runs})]\n"
        "print(json.dumps([statistics.median(r), min(r), max(r)]))\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=build.env())
        med, low, high = json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return "not available", None
    return f"{fmt(med)} ({fmt(low)}–{fmt(high)})", med


def pdf_render_warm(runs: int, result: Path) -> tuple[float, float, float] | None:
    """`render_pdf` of a saved demo result in one process after a first render: the PDF's own work, without
    Python's start, imports or the first load of WeasyPrint and the fonts (median, min, max)."""
    code = (
        "import json, statistics, time\n"
        "from pathlib import Path\n"
        "from assess.report.pdf import render_pdf\n"
        "from assess.result_io import load_result\n"
        f"result = load_result(Path({str(result)!r}))\n"
        "render_pdf(result)\n"
        "r = []\n"
        f"for _ in range({runs}):\n"
        "    t = time.perf_counter(); render_pdf(result); r.append(time.perf_counter() - t)\n"
        "print(json.dumps([statistics.median(r), min(r), max(r)]))\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        med, low, high = json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return None
    return med, low, high


def pdf_times(runs: int, work: Path, build: Build = THIS) -> tuple[Series, str]:
    result = work / "demo.json"
    cmd = build.command()
    subprocess.run([*cmd, "demo", "--json", str(result), "-q"], capture_output=True, check=False, env=build.env())
    series = Series()
    if not result.is_file():
        return series, "not available"
    for _ in range(runs):
        series.add(timed([*cmd, "render", str(result), "--pdf", str(work / "demo.pdf")], env=build.env()))
    if build.baseline:
        return series, ""
    try:
        from pypdf import PdfReader  # dev extra: how big the report is that took this long

        pages = f"{len(PdfReader(str(work / 'demo.pdf')).pages)} pages"
    except Exception:
        pages = "pages unknown"
    warm = pdf_render_warm(max(runs, 5), result)
    if warm is not None:
        pages += f"; in one process, warm: {fmt(warm[0])} ({fmt(warm[1])}–{fmt(warm[2])}), target ≤ 1 s " + verdict(
            warm[0] <= 1.0
        )
    return series, pages


# --- the report -------------------------------------------------------------------------------


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each 1x figure (semgrep: at most 2)")
    parser.add_argument("--runs-10x", type=int, default=1, help="runs of the 10x corpus (minutes each)")
    parser.add_argument("--quick", action="store_true", help="1 run of everything, no 10x, for a first look")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md ## Speed")
    parser.add_argument("--no-semgrep", action="store_true")
    parser.add_argument("--no-10x", action="store_true")
    parser.add_argument("--baseline", metavar="REF", help="also measure the assess of this git ref, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="assess-bench-base-") as scratch:
        base = baseline_tree(args.baseline, Path(scratch)) if args.baseline else None
        try:
            return measure(args, base)
        finally:
            if base is not None:
                drop_tree(base)


def measure(args: argparse.Namespace, base: Build | None) -> int:
    """Every figure of this tree (and of `base`, interleaved), printed as README's table."""
    runs = 1 if args.quick else max(1, args.runs)
    few = min(runs, 2)
    runs10 = 0 if args.quick or args.no_10x else max(1, args.runs_10x)

    built = corpus_mod.build()
    one, ten = built.one, built.ten
    stats1 = built.stats["1x"]
    stats10 = built.stats["10x"]
    assert isinstance(stats1, dict) and isinstance(stats10, dict)
    files1, mb1 = int(stats1["files"]), int(stats1["bytes"]) / 1e6
    files10, mb10 = int(stats10["files"]), int(stats10["bytes"]) / 1e6
    sg_dir = built.root / "sgconfig"
    counts = rules_mod.write_sgconfig(sg_dir, AST_GREP)
    sg_cmd = [AST_GREP, "scan", "-c", "sgconfig.yml", "--json=compact"]
    semgrep_cmd = [SEMGREP, "scan", "--config", str(HERE / "semgrep" / "rules.yaml"), "--metrics=off"]
    semgrep_cmd += ["--disable-version-check", "--json", "-o", os.devnull, "-q", "."]
    have_semgrep = not args.no_semgrep and _package_version("semgrep") != "not installed"
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    print(f"bench: corpus {built.root}: {files1} files, {mb1:.1f} MB; 10x: {files10} files", file=sys.stderr)
    print(f"bench: ast-grep rules: {counts}", file=sys.stderr)

    cold, warm, sg, sem = Series(), Series(), Series(), Series()
    b_cold, b_warm, b_cold10 = Series(), Series(), Series()
    if base is not None:  # once, unmeasured: its validated catalog into the user's cache, like this tree's
        print(f"bench: baseline {base.name} in {base.tree}", file=sys.stderr)
        subprocess.run(
            [*base.command(), "scan", str(REPO / "checks" / "hardcoded-ai-key" / "fixtures"), "-q"],
            env=base.env(),
            capture_output=True,
            check=False,
        )
    for index in range(runs):
        print(f"bench: 1x run {index + 1}/{runs}", file=sys.stderr)
        clear_cache(one)
        cold.add(timed(assess_cmd(one)))
        warm.add(timed(assess_cmd(one)))
        if base is not None:
            clear_cache(one)
            b_cold.add(timed(assess_cmd(one, base), env=base.env()))
            b_warm.add(timed(assess_cmd(one, base), env=base.env()))
        sg.add(timed([*sg_cmd, str(one)], cwd=sg_dir))
        if have_semgrep and index < few:
            sem.add(timed(semgrep_cmd, cwd=one, env=env))
    clear_cache(one)
    cold10, sg10 = Series(), Series()
    if runs10:
        for index in range(runs10):
            print(f"bench: 10x run {index + 1}/{runs10}", file=sys.stderr)
            clear_cache(ten)
            cold10.add(timed(assess_cmd(ten)))
            sg10.add(timed([*sg_cmd, str(ten)], cwd=sg_dir))
            if base is not None:
                clear_cache(ten)
                b_cold10.add(timed(assess_cmd(ten, base), env=base.env()))
        clear_cache(ten)
    print("bench: phases, --help, TUI, PDF", file=sys.stderr)
    helps, b_helps = help_time(max(runs, 5), THIS, base)
    if base is None:
        phase = phases(one, runs)  # one core and ~10 s a run: the machine's load moves it by a third
        warm_phase = phases(one, runs, warm=True)  # a short figure near its target: the median of several runs
        tui, tui_med = tui_first_frame(few)
        with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
            pdf, pdf_pages = pdf_times(few, Path(tmp))
    else:  # each figure of both builds run for run: the machine's load changes from minute to minute
        phase, b_phase = paired_phases(one, runs, base)
        warm_phase, b_warm_phase = paired_phases(one, runs, base, True)
        (tui, tui_med), (b_tui, b_tui_med) = paired_tui(few, base)
        with tempfile.TemporaryDirectory(prefix="assess-bench-") as tmp:
            pdf, pdf_pages = pdf_times(few, Path(tmp))
            b_pdf = pdf_renders(few, Path(tmp), base, pdf)
    # the baseline's figures: None where it was not measured (no --baseline, or no 10x run)
    than: dict[str, tuple[float, float, str] | None] = {}  # figure -> (this, baseline, how it prints)
    if base is not None:
        than = {
            "wall": (cold.median, b_cold.median, fmt_series(b_cold)),
            "cpu": (cold.stat("cpu")[0], b_cold.stat("cpu")[0], fmt_series(b_cold, "cpu")),
            "pss": (cold.stat("pss_mb")[0], b_cold.stat("pss_mb")[0], fmt_series(b_cold, "pss_mb")),
            "warm": (warm.median, b_warm.median, fmt_series(b_warm)),
            "scan": (
                warm_phase["scan_project"][0],
                b_warm_phase["scan_project"][0],
                fmt(b_warm_phase["scan_project"][0]),
            ),
            "help": (helps.median, b_helps.median, fmt_series(b_helps)),
            "tui": (tui_med, b_tui_med, b_tui) if tui_med and b_tui_med else None,
            "pdf": (pdf.median, b_pdf.median, fmt_series(b_pdf)) if pdf.runs and b_pdf.runs else None,
            **{  # each phase of the one-core run (the match phase on the row of all of them)
                key: (phase[key][0], b_phase[key][0], fmt(b_phase[key][0]))
                for key in ("match", "scan_loop", "prefilter_read", "parse")
            },
        }
        if cold10.runs and b_cold10.runs:
            than["wall10"] = (cold10.median, b_cold10.median, fmt_series(b_cold10))
            than["pss10"] = (cold10.stat("pss_mb")[0], b_cold10.stat("pss_mb")[0], fmt_series(b_cold10, "pss_mb"))

    c = cold.median
    rows: list[str] = []
    worse: list[str] = []  # figures more than 15% worse than the baseline's

    def row(name: str, value: str, baseline: str = "", judged: str = "", key: str = "") -> None:
        if base is None:
            rows.append(f"| {name} | {value} | {baseline} | {judged} |")
            return
        versus = ""
        pair = than.get(key)
        if pair is not None:
            mine, theirs, printed = pair
            versus = f"{printed}; {ratio(mine, theirs)}"
            if theirs and mine / theirs > 1.15:
                worse.append(name)
                versus += " (more than 15% worse)"
        rows.append(f"| {name} | {value} | {versus} | {baseline} | {judged} |")

    row(
        f"full assessment, 1× ({files1:,} files, {mb1:.1f} MB), wall",
        fmt_series(cold),
        f"target ≤ 1.0 s for ~10 MB ({1.0 * mb1 / 10:.2f} s for {mb1:.1f} MB)",
        verdict(c <= 1.0 * mb1 / 10),
        key="wall",
    )
    row("… CPU time (all processes)", fmt_series(cold, "cpu"), key="cpu")
    row("… files/s · MB/s", f"{files1 / c:,.0f} files/s · {mb1 / c:.1f} MB/s")
    row(
        "ast-grep CLI, same rules, wall",
        fmt_series(sg),
        f"assess/ast-grep = {ratio(c, sg.median)}; target ≤ 0.6×",
        verdict(c <= 0.6 * sg.median),
    )
    if sem.runs:
        row(
            "semgrep, equivalent rules (bench/semgrep), wall",
            fmt_series(sem),
            f"assess/semgrep = {ratio(c, sem.median)}; target ≤ 0.12×",
            verdict(c <= 0.12 * sem.median),
        )
    else:
        row("semgrep", "not run", "", "")
    row(
        "peak memory, 1× (PSS of all processes)",
        fmt_series(cold, "pss_mb"),
        f"ast-grep {fmt_series(sg, 'pss_mb')}; target ≤ 200 MB",
        verdict(cold.stat("pss_mb")[0] <= 200),
        key="pss",
    )
    if cold10.runs:
        growth = cold10.median / c
        row(
            f"full assessment, 10× ({files10:,} files, {mb10:.0f} MB), wall",
            fmt_series(cold10),
            f"{growth:.1f}× the 1× time (ast-grep {sg10.median / sg.median:.1f}×); target ≤ 11×",
            verdict(growth <= 11),
            key="wall10",
        )
        mem10 = cold10.stat("pss_mb")[0]
        row(
            "peak memory, 10×",
            fmt_series(cold10, "pss_mb"),
            f"{mem10 / cold.stat('pss_mb')[0]:.1f}× the 1× peak; target flat, ≤ 200 MB",
            verdict(mem10 <= 200),
            key="pss10",
        )
    repeated = warm_phase["scan_project"]
    row("repeated run, unchanged tree: whole process", fmt_series(warm), key="warm")
    row(
        "… scan work (discover → findings judged)",
        f"{fmt(repeated[0])} ({fmt(repeated[1])}–{fmt(repeated[2])})",
        "target ≤ 0.2 s",
        verdict(repeated[0] <= 0.2),
        key="scan",
    )
    row("`assess --help`", fmt_series(helps), "target ≤ 0.25 s", verdict(helps.median <= 0.25), key="help")
    row("TUI time to first frame (demo)", tui, key="tui")
    if pdf.runs:
        row(
            "PDF of the demo report (`assess render --pdf`)",
            fmt_series(pdf),
            f"{pdf_pages}; target ≤ 2 s",
            verdict(pdf.median <= 2.0),
            key="pdf",
        )
    else:
        row("PDF of the demo report", "not available", "target ≤ 2 s")
    names = [
        ("discover", "discover"),
        ("manifests", "manifests (project facts)"),
        ("prefilter_read", "read + prefilter + fact building"),
        ("parse", "parse (ast-grep)"),
        ("match", "match: checks + fact rules (ast-grep)"),
        ("key_scan", "key scan"),
        ("project_checks", "project checks (judges)"),
        ("score_render", "score + render JSON"),
    ]
    phase_line = ", ".join(f"{label} {fmt(phase[key][0])}" for key, label in names if key in phase)
    row(
        "phases, 1×, one core, no cache",
        phase_line,
        f"{phase['files_parsed'][0]:.0f} files parsed, {phase['rules_run'][0]:.0f} rule runs",
        key="match",
    )
    for key, label in (
        ("scan_loop", "… every file read, parsed and matched (one core)"),
        ("prefilter_read", "… read + prefilter + fact building (one core)"),
        ("parse", "… parse (one core)"),
    ):
        row(label, fmt(phase[key][0]), key=key)

    head = [
        f"Measured by `make bench` on {machine()}; "
        f"medians of {runs} runs (semgrep, TUI, PDF: {few}; 10×: {max(runs10, 1)}) with min–max; "
        "the other tools ran in the same session, on a machine shared with other work. "
        "Full assessments start without the project's scan cache (.assess/); the validated catalog comes from "
        "the user's cache (~/.cache/assess), as on any run after the first on a machine (the first adds ~0.3 s).",
        f"Corpus: {', '.join(str(p).split(':', 1)[1] for p in built.stats['packages'])} "  # type: ignore[union-attr]
        f"({files1:,} files, {mb1:.1f} MB; 10× = ten copies). "
        f"{version_of([ASSESS, '--version'])}, {version_of([AST_GREP, '--version'])} "
        f"({counts['check_rules']} check rules + {counts['fact_variants']} fact rules; "
        f"{counts['rejected_by_cli']} the CLI refuses), "
        f"semgrep {_package_version('semgrep') if have_semgrep else 'not run'} ({_semgrep_rule_count()} rules).",
    ]
    if base is None:
        table = ["| figure | assess | baseline / target | |", "|---|---|---|---|", *rows]
    else:
        head.append(
            f"Baseline: assess at {base.name}, measured in the same session, interleaved run by run; ratio = this "
            f"tree / baseline. More than 15% worse: {', '.join(worse) if worse else 'none'}."
        )
        table = [f"| figure | assess | {base.name}; ratio | baseline / target | |", "|---|---|---|---|---|", *rows]
    print("\n".join(["", *head, "", *table, ""]))
    (built.root / "last-run.md").write_text("\n".join([*head, "", *table, ""]))
    if args.readme:
        write_readme(head, table)
    return 0


def _package_version(name: str) -> str:
    """From the installed metadata: `semgrep --version` tries the network first and can take minutes offline."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _semgrep_rule_count() -> int:
    text = (HERE / "semgrep" / "rules.yaml").read_text()
    return len(re.findall(r"^  - id: ", text, re.M))


def write_readme(head: list[str], table: list[str]) -> None:
    """Replace the body of README's ## Speed section (add the section at the end if it is missing)."""
    path = REPO / "README.md"
    text = path.read_text(encoding="utf-8")
    body = "\n".join([*head, "", *table]) + "\n"
    intro = (
        "`make bench` builds a corpus of real code once (outside the repository) and measures assess against "
        'ast-grep\'s CLI and semgrep on it. `make bench BENCH_ARGS="--baseline <commit>"` also measures the assess '
        "of an earlier commit in the same session, run by run, and adds its figures and the ratio: figures "
        "measured on another machine or at another hour are not comparable (the machines are shared). A change "
        "meant only to be faster is checked with `bench/differential.py --save FILE` before it and `--compare FILE` "
        "after it: every finding and summary of the demo, the fixtures and the corpus (`--facts`: every fact too; "
        "`--extra DIR`: more trees, such as the real-code snapshots). `python bench/rule_costs.py [--compile]` "
        "shows where the match phase goes: the time inside ast-grep per check, fact rule or shared walk.\n\n"
    )
    section = f"{README_START}\n\n{intro}{body}"
    start = text.find(f"\n{README_START}\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    path.write_text(text, encoding="utf-8")
    print(f"bench: wrote the table into {path.name} ({README_START})", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
