"""Build the benchmark corpus once: pinned npm packages and PyPI sdists, unpacked as ordinary source.

    python bench/corpus.py            # build if missing, print the corpus folder and its size
    python bench/corpus.py --verify   # also re-hash the downloaded archives against bench/corpus.toml

The corpus lives outside the repository, in $ASSESS_BENCH_CACHE or ~/.cache/assess-bench:
  downloads/                 the archives as the registries served them
  corpus-<hash>/1x/          npm/<package>-<version>/..., pypi/<package>-<version>/...
  corpus-<hash>/10x/         copy-00 ... copy-09: the 1x tree ten times (hard links; every copy is a
                             separate path that the engine reads and parses again)
<hash> is a hash of corpus.toml and of this builder, so a change to either builds a new corpus.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "corpus.toml"
BUILDER_VERSION = "1"
NPM_BUILD_DIRS = ("dist", "build", "out")  # renamed `_dist` ...: scanned as source, not as a bundle


@dataclass(frozen=True)
class Package:
    registry: str  # "npm" or "pypi"
    name: str
    version: str
    sha256: str
    exclude: tuple[str, ...]

    @property
    def slug(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '__')}-{self.version}"


@dataclass(frozen=True)
class Corpus:
    root: Path  # corpus-<hash>/
    one: Path  # 1x
    ten: Path  # 10x
    stats: dict[str, object]


def cache_dir() -> Path:
    return Path(os.environ.get("ASSESS_BENCH_CACHE") or Path.home() / ".cache" / "assess-bench")


def load_spec(path: Path = SPEC) -> tuple[dict[str, object], list[Package]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    packages = [
        Package(registry, p["name"], p["version"], p.get("sha256", ""), tuple(p.get("exclude", ())))
        for registry in ("npm", "pypi")
        for p in data.get(registry, [])
    ]
    return data["corpus"], packages


def spec_hash() -> str:
    digest = hashlib.sha256(SPEC.read_bytes() + BUILDER_VERSION.encode() + Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _archive(downloads: Path, pkg: Package) -> Path | None:
    if pkg.registry == "npm":
        path = downloads / "npm" / f"{pkg.slug.replace('__', '-')}.tgz"
        return path if path.is_file() else None
    for path in sorted((downloads / "pypi").glob("*")):
        stem = path.name.removesuffix(".tar.gz").removesuffix(".zip")
        name, _, version = stem.rpartition("-")
        if _normal(name) == _normal(pkg.name) and version == pkg.version:
            return path
    return None


def _run(cmd: list[str], cwd: Path) -> None:
    print("  $", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def download(packages: list[Package], downloads: Path) -> dict[Package, Path]:
    """Every archive, fetched once with npm and pip (each registry through its own client)."""
    (downloads / "npm").mkdir(parents=True, exist_ok=True)
    (downloads / "pypi").mkdir(parents=True, exist_ok=True)
    missing_npm = [p for p in packages if p.registry == "npm" and _archive(downloads, p) is None]
    if missing_npm:
        specs = [f"{p.name}@{p.version}" for p in missing_npm]
        _run(["npm", "pack", "--silent", "--pack-destination", str(downloads / "npm"), *specs], cwd=downloads)
    missing_pypi = [p for p in packages if p.registry == "pypi" and _archive(downloads, p) is None]
    if missing_pypi:
        specs = [f"{p.name}=={p.version}" for p in missing_pypi]
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
        _run([*pip, "--no-deps", "--no-binary", ":all:", "-d", str(downloads / "pypi"), *specs], cwd=downloads)
    found: dict[Package, Path] = {}
    for pkg in packages:
        path = _archive(downloads, pkg)
        if path is None:
            raise SystemExit(f"bench: {pkg.registry} {pkg.name} {pkg.version} was not downloaded")
        found[pkg] = path
    return found


def verify(archives: dict[Package, Path]) -> list[str]:
    """Problems: an archive whose hash differs from the pinned one (an empty pin is reported, not fatal)."""
    problems = []
    for pkg, path in archives.items():
        actual = _sha256(path)
        if not pkg.sha256:
            problems.append(f"{pkg.registry} {pkg.name}=={pkg.version}: no sha256 pinned (it is {actual})")
        elif actual != pkg.sha256:
            raise SystemExit(f"bench: {path.name}: sha256 {actual} differs from the pinned {pkg.sha256}")
    return problems


def _keep(rel: str, pkg: Package, suffixes: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    if not name.endswith(suffixes) or ".min." in name or any(fnmatch.fnmatch(rel, g) for g in pkg.exclude):
        return False
    return not name.startswith(".")


def unpack(pkg: Package, archive: Path, dest: Path, suffixes: tuple[str, ...], max_bytes: int) -> None:
    """The package's source and text files under `dest`, without the archive's top folder."""
    with tarfile.open(archive) as tar:
        for member in tar:
            if not member.isfile() or member.size > max_bytes:
                continue
            parts = member.name.replace("\\", "/").split("/")[1:]
            if not parts or any(p in ("", ".", "..") for p in parts):
                continue
            rel = "/".join(parts)
            if not _keep(rel, pkg, suffixes):
                continue
            if pkg.registry == "npm" and len(parts) > 1 and parts[0] in NPM_BUILD_DIRS:
                parts[0] = "_" + parts[0]
            target = dest.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())


def _count(root: Path) -> dict[str, object]:
    files = 0
    size = 0
    by_suffix: dict[str, list[int]] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            st = os.stat(os.path.join(dirpath, name))
            files += 1
            size += st.st_size
            entry = by_suffix.setdefault(Path(name).suffix or name, [0, 0])
            entry[0] += 1
            entry[1] += st.st_size
    ranked = dict(sorted(by_suffix.items(), key=lambda kv: -kv[1][1]))
    return {"files": files, "bytes": size, "by_suffix": ranked}


def _link_tree(source: Path, dest: Path) -> None:
    for dirpath, _dirs, names in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for name in names:
            try:
                os.link(Path(dirpath) / name, dest / rel / name)
            except OSError:
                shutil.copy2(Path(dirpath) / name, dest / rel / name)


def build(force: bool = False) -> Corpus:
    settings, packages = load_spec()
    base = cache_dir()
    root = base / f"corpus-{spec_hash()}"
    if root.is_dir() and (root / "stats.json").is_file() and not force:
        return Corpus(root, root / "1x", root / "10x", json.loads((root / "stats.json").read_text()))
    print(f"bench: building the corpus in {root} (once)", file=sys.stderr)
    archives = download(packages, base / "downloads")
    for problem in verify(archives):
        print(f"bench: warning: {problem}", file=sys.stderr)
    suffixes = tuple(settings["keep_suffixes"])  # type: ignore[arg-type]
    max_bytes = int(settings["max_file_bytes"])  # type: ignore[call-overload]
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="corpus-", dir=base))
    one = work / "1x"
    for pkg, archive in archives.items():
        unpack(pkg, archive, one / pkg.registry / pkg.slug, suffixes, max_bytes)
    ten = work / "10x"
    for index in range(int(settings["copies_10x"])):  # type: ignore[call-overload]
        _link_tree(one, ten / f"copy-{index:02d}")
    for tree in (one, ten):
        # semgrep skips tests/ and more by default; an empty ignore file makes it read what the others read
        (tree / ".semgrepignore").write_text("")
    names = [f"{p.registry}:{p.name}=={p.version}" for p in packages]
    stats = {"1x": _count(one), "10x": _count(ten), "packages": names}
    (work / "stats.json").write_text(json.dumps(stats, indent=1))
    if root.exists():
        shutil.rmtree(root)
    work.rename(root)
    for stale in base.glob("corpus-*"):
        if stale != root and stale.is_dir():
            shutil.rmtree(stale)  # built from an older corpus.toml (or a build that was interrupted)
    return Corpus(root, root / "1x", root / "10x", stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rebuild even if the corpus exists")
    parser.add_argument("--verify", action="store_true", help="re-hash the archives against corpus.toml")
    args = parser.parse_args()
    corpus = build(force=args.force)
    if args.verify:
        _settings, packages = load_spec()
        for problem in verify(download(packages, cache_dir() / "downloads")):
            print(f"bench: warning: {problem}", file=sys.stderr)
    one = corpus.stats["1x"]
    assert isinstance(one, dict)
    print(f"{corpus.root}  1x: {one['files']} files, {one['bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
