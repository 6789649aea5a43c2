"""Per-file scan results kept in `.assess/cache`, so a repeated run reads and hashes files instead of parsing them.

An entry is one file's `ScanOutput` (findings, facts, suppressions, counts), valid while all of these hold:
- the file's bytes hash the same (BLAKE2b of the content), with the same kind (source, bundle, minified) and
  git-tracked flag. A hash is reused without reading the file only when size, mtime, ctime, inode and device
  are all unchanged and the file was already RACY_NS old when it was hashed (git's racy-clean rule);
- the scope is the same: the cache format, the scanning code (a hash of assess/scan and the models), the
  scan plan (every enabled check, fact rule and key shape, canonically serialised), the project facts the
  per-file checks read (frameworks, packages, front-end folders) and the size limit.
A change to any of these empties the cache; a change to one file rescans that file only.

Safety:
- The file is authenticated with an HMAC whose key lives outside the project (~/.cache/assess/cache-key,
  mode 0600). A cache file committed to the scanned repository, or copied from elsewhere, fails the check
  and is ignored, so a hostile project cannot hide a finding from CI by shipping a doctored cache. Only
  data this machine wrote is ever unpickled.
- A file whose results hold text of a key shape the catalog knows (a key in a fact's snippet or a captured
  value) is not cached: the cache never stores a full key. Findings already hold only redacted snippets
  and a hash of the key.
- Every failure (corrupt file, wrong key, unreadable folder, disk full) means "no cache": never a failed scan.

`ASSESS_NO_CACHE=1` turns the cache off. This module only stores and finds entries: when to look them up
and what to do with them is the pipeline's (scan/run.py).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import io
import json
import os
import pickle
import re
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assess import __version__
from assess.models import Check
from assess.scan.files.discover import KEYS_ONLY_SIZE_FACTOR, Candidate
from assess.scan.files.facts import ProjectFacts
from assess.scan.matching.engine import ScanOutput
from assess.scan.matching.secrets import KeyScanner
from assess.scan.plan import ScanPlan
from assess.signed import SealedWriter, cache_enabled, machine_key
from assess.signed import unseal as _unsealed

CACHE_FORMAT = 5  # 2: entries pickled one by one in the worker; 3: compressed; 4: no files_parsed; 5: facts by file
CACHE_DIR = Path(".assess") / "cache"
CACHE_FILE = "scan-results.bin"  # per-file entries
TREE_FILE = "scan-tree.bin"  # the last whole tree: scan output and judged outcome
STAT_FILE = "file-hashes.bin"  # content hashes with the stat they were taken under
RACY_NS = 2_000_000_000  # a file changed this close to its hashing is hashed again next time (as git does)
_CODE = Path(__file__).resolve().parent.parent  # assess/scan: the code whose output is cached


# --- what the cache is valid for --------------------------------------------------------------


def _canon(obj: Any, depth: int = 0) -> Any:
    """A JSON-able, order-independent picture of `obj` (sets sorted, compiled regexes by their source)."""
    if depth > 40:
        raise ValueError("too deep to fingerprint")
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, dict | list):
        try:  # plain JSON (rule configs): the C encoder, not a walk in Python
            return {"json": json.dumps(obj, sort_keys=True)}
        except (TypeError, ValueError):
            pass
    if isinstance(obj, bytes):
        return {"b": obj.hex()}
    if isinstance(obj, enum.Enum):
        return _canon(obj.value, depth + 1)
    if isinstance(obj, re.Pattern):
        return {"re": obj.pattern if isinstance(obj.pattern, str) else obj.pattern.hex(), "flags": obj.flags}
    if hasattr(obj, "model_dump_json"):  # pydantic: fields in declaration order, dicts as loaded
        return {"model": type(obj).__name__, "json": obj.model_dump_json()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {
            f.name: _canon(getattr(obj, f.name), depth + 1)
            for f in dataclasses.fields(obj)
            if not f.metadata.get("derived")  # derived from the other fields (the plan's rule gate)
        }
        return {"dc": type(obj).__name__, "fields": fields}
    if isinstance(obj, dict):
        items = [(json.dumps(_canon(k, depth + 1), sort_keys=True), _canon(v, depth + 1)) for k, v in obj.items()]
        return {"dict": sorted(items, key=lambda kv: kv[0])}
    if isinstance(obj, list | tuple):
        return [_canon(v, depth + 1) for v in obj]
    if isinstance(obj, set | frozenset):
        return {"set": sorted(json.dumps(_canon(v, depth + 1), sort_keys=True) for v in obj)}
    state = getattr(obj, "__dict__", None)
    if state is None and hasattr(obj, "__slots__"):
        state = {name: getattr(obj, name) for name in obj.__slots__ if hasattr(obj, name)}
    if state is not None:
        return {"obj": type(obj).__name__, "state": _canon(state, depth + 1)}
    raise ValueError(f"cannot fingerprint {type(obj).__name__}")


def _code_version() -> str:
    h = hashlib.sha256(__version__.encode())
    sources = [
        *sorted(_CODE.rglob("*.py")),
        _CODE.parent / "models.py",
        _CODE.parent / "suppress.py",
        _CODE.parent / "redact.py",
    ]
    for path in sources:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def scope_key(plan: ScanPlan, facts: ProjectFacts, max_bytes: int) -> str | None:
    """What every entry depends on besides its file; None when something cannot be fingerprinted."""
    try:
        picture = {"format": CACHE_FORMAT, "code": _code_version(), "plan": _canon(plan), "facts": _canon(facts)}
    except (ValueError, OSError, TypeError):
        return None
    picture["max_bytes"] = max_bytes
    return hashlib.sha256(json.dumps(picture, sort_keys=True, default=str).encode()).hexdigest()


# --- one file's entry -------------------------------------------------------------------------


def content_hash(cand: Candidate, max_bytes: int) -> str | None:
    """BLAKE2b of the bytes the engine would read; None when unreadable or over the limit (not cached)."""
    limit = max_bytes * KEYS_ONLY_SIZE_FACTOR if cand.keys_only else max_bytes
    try:
        with open(cand.path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit:
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.cache
def _text_fields(cls: type) -> tuple[str, ...]:
    # `check` is the catalog's own text, not the scanned file's
    return tuple(spec.name for spec in dataclasses.fields(cls) if spec.name != "check")


_SCALARS = (int, float, bool, type(None))


def _collect(obj: Any, texts: list[str], depth: int = 0) -> None:
    """Every string inside one file's results (appends: a generator here cost seconds per scan)."""
    kind = type(obj)
    if kind is str:
        texts.append(obj)
    elif kind in _SCALARS:
        return
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _collect(key, texts, depth + 1)
            _collect(value, texts, depth + 1)
    elif isinstance(obj, list | tuple | set | frozenset):
        for value in obj:
            _collect(value, texts, depth + 1)
    elif isinstance(obj, str):
        texts.append(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and depth < 6:
        for name in _text_fields(type(obj)):
            _collect(getattr(obj, name), texts, depth + 1)


@functools.cache
def _shape(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def holds_secret(out: ScanOutput, keys: KeyScanner) -> bool:
    """Whether any text in one file's results has the shape of a key the catalog knows (then it is not stored).

    The same test as the key scan's first stages: the shapes' keywords on all the text at once, then the
    regex of each shape whose keyword occurs, on each string. Context filters are not applied, so a
    placeholder that merely looks like a key also keeps its file out of the cache: the safe side.
    """
    texts: list[str] = []
    _collect(out, texts)
    if not texts:
        return False
    shapes = keys.candidates("\n".join(texts).encode("utf-8", "surrogatepass"))
    return any(_shape(p.regex).search(text) for p in shapes for text in texts)


Entry = tuple[str, str, bool | None, bytes]  # content hash, kind, tracked, results pickled (by the worker)


class _Pickler(pickle.Pickler):
    """Checks are stored by id and restored as the catalog's own objects (smaller, and never stale)."""

    def persistent_id(self, obj: Any) -> Any:
        return ("check", obj.id) if isinstance(obj, Check) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes | memoryview, checks: dict[str, Check]) -> None:
        super().__init__(io.BytesIO(data))
        self.checks = checks

    def persistent_load(self, pid: Any) -> Any:
        kind, check_id = pid
        if kind != "check" or check_id not in self.checks:
            raise pickle.UnpicklingError(f"unknown check {check_id!r}")
        return self.checks[check_id]


def _dumps(obj: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buffer.getvalue()


def _load(path: Path, key: bytes, scope: str, checks: dict[str, Check]) -> Any:
    try:
        payload = _unsealed(path.read_bytes(), key, scope)
        return None if payload is None else _Unpickler(payload, checks).load()
    except Exception:  # damaged, truncated, from another version: no cache
        return None


def _write(directory: Path, name: str, key: bytes, scope: str, obj: Any) -> None:
    """`obj` pickled and signed into directory/name, atomically, as it is pickled (never whole in memory)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# written by assess: never commit the scan cache\n*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer = SealedWriter(fh, key, scope)
                _Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
                writer.close()
            os.replace(tmp, directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only checkout or a full disk: the next run scans again


class ScanCache:
    """The entries of one project folder for one scope, loaded once and written once per scan."""

    def __init__(self, directory: Path, scope: str, key: bytes, checks: dict[str, Check]) -> None:
        self.directory = directory
        self.scope = scope
        self.key = key
        self.checks = checks
        self.old: dict[str, Entry] = {}
        self.new: dict[str, Entry] = {}
        self.started_ns = time.time_ns()
        self.hashes_old: dict[str, tuple[tuple[int, ...], str, int]] = {}  # rel -> (stat, hash, hashed at)
        self.hashes_new: dict[str, tuple[tuple[int, ...], str, int]] = {}

    @classmethod
    def open(cls, directory: Path, scope: str, checks: dict[str, Check]) -> ScanCache | None:
        """The cache in `directory` for `scope`, or None when this machine has no usable key."""
        key = machine_key()
        return None if key is None else cls(directory, scope, key, checks)

    def digest(self, cand: Candidate, max_bytes: int) -> str | None:
        """The content hash of a file; reused when its stat is unchanged and was already old when hashed.

        size, mtime, ctime, inode and device must all match, and the file's ctime must lie RACY_NS before
        the moment it was hashed: a write in the same clock tick as the hashing cannot go unnoticed.
        """
        try:
            st = os.stat(cand.path)
        except OSError:
            return None
        sig = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        known = self.hashes_old.get(cand.rel)
        if known is not None and known[0] == sig and st.st_ctime_ns < known[2] - RACY_NS:
            self.hashes_new[cand.rel] = known
            return known[1]
        digest = content_hash(cand, max_bytes)
        if digest is not None:
            self.hashes_new[cand.rel] = (sig, digest, self.started_ns)
        return digest

    def load_hashes(self) -> None:
        """Read the content hashes stored with the stat they were taken under."""
        stored = _load(self.directory / STAT_FILE, self.key, self.scope, self.checks)
        if isinstance(stored, dict):
            self.hashes_old = stored

    def save_hashes(self, keep_unvisited: bool) -> None:
        """Write the hashes of this scan (and, for a partial scan, the earlier ones it did not visit)."""
        hashes = {**self.hashes_old, **self.hashes_new} if keep_unvisited else self.hashes_new
        if hashes != self.hashes_old:
            _write(self.directory, STAT_FILE, self.key, self.scope, hashes)

    def load_entries(self) -> None:
        """Read every stored per-file entry of this scope."""
        stored = _load(self.directory / CACHE_FILE, self.key, self.scope, self.checks)
        if isinstance(stored, dict):
            self.old = stored

    def get(self, rel: str, digest: str, cand: Candidate) -> ScanOutput | None:
        """The stored output of `rel`, if it was stored for these very bytes, kind and tracked flag."""
        entry = self.old.get(rel)
        if entry is None or entry[0] != digest or entry[1] != cand.kind or entry[2] != cand.tracked:
            return None
        try:
            out = _Unpickler(zlib.decompress(entry[3]), self.checks).load()
        except Exception:  # signed by this machine, yet unreadable (another Python): scan the file
            return None
        if not isinstance(out, ScanOutput):
            return None
        self.new[rel] = entry
        return out

    def put(self, rel: str, digest: str, cand: Candidate, prepared: Prepared | None) -> None:
        """Keep the entry the worker prepared (`prepare_entry`), if the file still hashes as it did before."""
        if prepared is not None and prepared[0] == digest and prepared[1] is not None:
            self.new[rel] = (digest, cand.kind, cand.tracked, prepared[1])

    def save(self, keep_unvisited: bool) -> None:
        """Write the entries of this scan (and, for a partial scan, the earlier ones it did not visit)."""
        entries = {**self.old, **self.new} if keep_unvisited else self.new
        if entries.keys() == self.old.keys() and all(entries[k] is self.old[k] for k in entries):
            return
        _write(self.directory, CACHE_FILE, self.key, self.scope, entries)

    # --- the whole tree: a repeated run on an unchanged tree reads one small record -----------

    def tree(self, tree_key: str) -> tuple[ScanOutput, Any] | None:
        """The output and judged outcome stored for this very tree (`tree_key`), if any."""
        stored = _load(self.directory / TREE_FILE, self.key, self.scope, self.checks)
        if not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != tree_key:
            return None
        return stored[1], stored[2]

    def save_tree(self, tree_key: str, output: ScanOutput, judged: Any) -> None:
        """Store a whole tree's output with its judged outcome (see `tree`)."""
        # what only the judging and the second round read is not kept: the judged outcome is
        record = (tree_key, dataclasses.replace(output, facts={}, imports=[], targets=set(), deferred=[]), judged)
        _write(self.directory, TREE_FILE, self.key, self.scope, record)


def open_cache(root: Path | None, plan: ScanPlan, facts: ProjectFacts, max_bytes: int) -> ScanCache | None:
    """The cache of the project at `root` for this scope; None when there is none (off, no key, no root)."""
    if root is None or not cache_enabled():
        return None
    scope = scope_key(plan, facts, max_bytes)
    return None if scope is None else ScanCache.open(root / CACHE_DIR, scope, plan.checks())


Prepared = tuple[str | None, bytes | None]  # a file's content hash after its scan, its results pickled


def prepare_entry(keys: KeyScanner, max_bytes: int, cand: Candidate, out: ScanOutput) -> Prepared:
    """Run where the file was scanned: hash it again (a file that changed meanwhile is not cached under the
    old hash), and pickle its results unless they hold text of a key shape (the cache never stores a key)."""
    # compressed: the parent holds every entry until the cache is written (a quarter of the size)
    blob = None if holds_secret(out, keys) else zlib.compress(_dumps(out), 1)
    return content_hash(cand, max_bytes), blob


def tree_key(files: Sequence[Candidate], digests: Sequence[str | None], partial: bool) -> str | None:
    """What identifies a whole tree's scan: every file's path, content hash, kind and tracked flag."""
    if any(d is None for d in digests):
        return None  # an unreadable file: scan as usual
    h = hashlib.sha256(b"partial" if partial else b"whole")
    for cand, digest in zip(files, digests, strict=True):
        h.update(f"\0{cand.rel}\0{digest}\0{cand.kind}\0{cand.tracked}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()
