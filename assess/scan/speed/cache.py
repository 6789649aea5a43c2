"""Per-file scan results kept in `.assess/cache`, so a repeated run reads and hashes files instead of parsing them.

An entry is one file's `ScanOutput` (findings, facts, suppressions, counts), valid while all of these hold:
- the file's bytes hash the same (BLAKE2b of the content), with the same kind (source, bundle, minified) and
  git-tracked flag. A hash is reused without reading the file only when size, mtime, ctime, inode and device
  are all unchanged and the file was already RACY_NS old when it was hashed (git's racy-clean rule);
- the scope is the same: the cache format, the scanning code (a hash of assess/scan and the models), the
  scan plan (every enabled check, fact rule and key shape, canonically serialised), the project facts the
  per-file checks read (frameworks, packages, front-end folders) and the size limit.
A change to any of these empties the cache; a change to one file rescans that file only.

Safety (the cache lives in the scanned project, so a hostile repository can ship one):
- The files are JSON (codec.py), never pickles: whatever a cache file holds, reading it cannot run code.
- Each file is signed with an HMAC whose key lives outside the project (assess/signed.py: the user's own
  0600 file, replaced when it is not). A cache file committed to the scanned repository, or copied from
  elsewhere, fails the check and is ignored, so a hostile project cannot hide a finding from CI by
  shipping a doctored cache.
- A `.assess` or `.assess/cache` that is a symlink (or not a folder), or a cache file that is not a plain
  file, turns the cache off for the run: assess never reads or writes through a link the project made.
- A file whose results hold text of a key shape the catalog knows (a key in a fact's snippet or a captured
  value) is not cached, nor is a whole-tree record that does: the cache never stores a full key. Findings
  already hold only redacted snippets and a hash of the key. Files are named in the cache by a hash of
  their path, so a key in a file name is not stored either.
- Every failure (corrupt file, wrong key, unreadable folder, disk full) means "no cache": never a failed scan.

`ASSESS_NO_CACHE=1` turns the cache off. This module only stores and finds entries: when to look them up
and what to do with them is the pipeline's (scan/run.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import json
import os
import re
import stat
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
from assess.scan.project.project_checks import ProjectOutcome
from assess.scan.speed import codec
from assess.signed import NO_LINK, SealedWriter, cache_enabled, machine_key, read_owned
from assess.signed import unseal as _unsealed

# 2: entries pickled one by one in the worker; 3: compressed; 4: no files_parsed; 5: facts by file;
# 6: JSON, never pickles; files named by a hash of their path; 7: files cut short (ScanOutput.cut_short)
CACHE_FORMAT = 7
CACHE_DIR = Path(".assess") / "cache"
CACHE_FILE = "scan-results.bin"  # per-file entries
TREE_FILE = "scan-tree.bin"  # the last whole tree: scan output and judged outcome
STAT_FILE = "file-hashes.bin"  # content hashes with the stat they were taken under
RACY_NS = 2_000_000_000  # a file changed this close to its hashing is hashed again next time (as git does)
_CODE = Path(__file__).resolve().parent.parent  # assess/scan: the code whose output is cached


# --- what the cache is valid for --------------------------------------------------------------


class _Canon:
    """A JSON-able, order-independent picture of an object (sets sorted, compiled regexes by their source).

    Each model and dataclass is pictured once, as the SHA-256 of its own picture: a check listed under five
    languages, or a fact rule under each of its shapes, is serialised once and then named by that digest (a
    hash tree: the plan's picture is a few kilobytes instead of megabytes, and any change still changes it).
    """

    def __init__(self) -> None:
        self.seen: dict[int, str] = {}
        self.alive: list[Any] = []  # each object pictured stays alive for the walk: its id is never reused

    def __call__(self, obj: Any, depth: int = 0) -> Any:
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
            return self(obj.value, depth + 1)
        if isinstance(obj, re.Pattern):
            return {"re": obj.pattern if isinstance(obj.pattern, str) else obj.pattern.hex(), "flags": obj.flags}
        model = hasattr(obj, "model_dump_json")
        if model or (dataclasses.is_dataclass(obj) and not isinstance(obj, type)):
            digest = self.seen.get(id(obj))
            if digest is None:
                picture = self._model(obj) if model else self._dataclass(obj, depth)
                digest = hashlib.sha256(json.dumps(picture, sort_keys=True).encode()).hexdigest()
                self.seen[id(obj)] = digest
                self.alive.append(obj)
            return {"node": digest}
        if isinstance(obj, dict):
            items = [(json.dumps(self(k, depth + 1), sort_keys=True), self(v, depth + 1)) for k, v in obj.items()]
            return {"dict": sorted(items, key=lambda kv: kv[0])}
        if isinstance(obj, list | tuple):
            return [self(v, depth + 1) for v in obj]
        if isinstance(obj, set | frozenset):
            if all(type(v) is bytes for v in obj):  # keywords: the common case, without a walk per item
                return {"bytes": sorted(v.hex() for v in obj)}
            return {"set": sorted(json.dumps(self(v, depth + 1), sort_keys=True) for v in obj)}
        state = getattr(obj, "__dict__", None)
        if state is None and hasattr(obj, "__slots__"):
            state = {name: getattr(obj, name) for name in obj.__slots__ if hasattr(obj, name)}
        if state is not None:
            return {"obj": type(obj).__name__, "state": self(state, depth + 1)}
        raise ValueError(f"cannot fingerprint {type(obj).__name__}")

    @staticmethod
    def _model(obj: Any) -> Any:  # pydantic: fields in declaration order, dicts as loaded
        return {"model": type(obj).__name__, "json": obj.model_dump_json()}

    def _dataclass(self, obj: Any, depth: int) -> Any:
        fields = {
            f.name: self(getattr(obj, f.name), depth + 1)
            for f in dataclasses.fields(obj)
            if not f.metadata.get("derived")  # derived from the other fields (the plan's rule gate)
        }
        return {"dc": type(obj).__name__, "fields": fields}


def _canon(obj: Any) -> Any:
    """The picture of `obj` that the cache's scope is a hash of (see `_Canon`)."""
    return _Canon()(obj)


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
        canon = _Canon()
        picture = {"format": CACHE_FORMAT, "code": _code_version(), "plan": canon(plan), "facts": canon(facts)}
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


def holds_secret(out: object, keys: KeyScanner) -> bool:
    """Whether any text in one file's results (or any record) has the shape of a key the catalog knows (then
    it is not stored).

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


# content hash, kind, tracked, results as compressed JSON (made by the worker: `prepare_entry`)
Entry = tuple[str, str, bool | None, bytes | memoryview]
Judged = tuple[tuple[str, ...], ProjectOutcome]  # the project checks judged (ids), and what they found
_LENGTH = 8  # bytes of the entries file's index length


def _name(rel: str) -> str:
    """How the cache names a file: a hash of its path (a key in a file name is not stored)."""
    return hashlib.blake2b(rel.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def safe_folder(directory: Path) -> bool:
    """Whether `directory` (root/.assess/cache) can be used: each of its last two steps a real folder (or not
    there yet), and each file assess keeps in it a plain file (or not there yet). A link is never followed."""
    steps = [directory.parent, directory]
    files = [directory / name for name in (".gitignore", CACHE_FILE, TREE_FILE, STAT_FILE)]
    for path, want in [*((d, stat.S_ISDIR) for d in steps), *((f, stat.S_ISREG) for f in files)]:
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not want(mode):  # a symlink, even to a folder or a file, is neither
            return False
    return True


def _read(path: Path, key: bytes, scope: str) -> memoryview | None:
    """The signed payload of a cache file; None when missing, not a plain file of this user (never through a
    link), damaged, or signed by anyone but this user on this machine."""
    data = read_owned(path, forbidden=0)  # the signature, not the mode bits, is what the cache trusts
    return None if data is None else _unsealed(data, key, scope)


def _load(path: Path, key: bytes, scope: str) -> Any:
    """The JSON value of a cache file (see `_read`); None for anything else."""
    payload = _read(path, key, scope)
    if payload is None:
        return None
    try:
        return codec.loads(payload)
    except ValueError:  # signed by this machine, yet not JSON (another version): no cache
        return None


def _ignore_file(directory: Path) -> None:
    """The cache folder's .gitignore, made once (never through a link: O_EXCL does not follow one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NO_LINK
    try:
        fd = os.open(directory / ".gitignore", flags, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# written by assess: never commit the scan cache\n*\n")


def _write(directory: Path, name: str, key: bytes, scope: str, chunks: Sequence[bytes | memoryview]) -> None:
    """`chunks` signed into directory/name, atomically, piece by piece (never joined in memory)."""
    if not safe_folder(directory):
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _ignore_file(directory)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer = SealedWriter(fh, key, scope)
                for chunk in chunks:
                    writer.write(chunk)
                writer.close()
            os.replace(tmp, directory / name)  # replaces a name, never writes through a link
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only checkout or a full disk: the next run scans again


class ScanCache:
    """The entries of one project folder for one scope, loaded once and written once per scan."""

    def __init__(
        self, directory: Path, scope: str, key: bytes, checks: dict[str, Check], keys: KeyScanner | None = None
    ) -> None:
        self.directory = directory
        self.scope = scope
        self.key = key
        self.checks = checks
        self.keys = keys  # the key shapes a whole-tree record must not hold
        self.old: dict[str, Entry] = {}  # by _name(rel)
        self.new: dict[str, Entry] = {}
        self.started_ns = time.time_ns()
        self.hashes_old: dict[str, tuple[tuple[int, ...], str, int]] = {}  # _name(rel) -> (stat, hash, hashed at)
        self.hashes_new: dict[str, tuple[tuple[int, ...], str, int]] = {}

    @classmethod
    def open(
        cls, directory: Path, scope: str, checks: dict[str, Check], keys: KeyScanner | None = None
    ) -> ScanCache | None:
        """The cache in `directory` for `scope`, or None when it is unsafe or this machine has no usable key."""
        if not codec.CODEC_COMPLETE or not safe_folder(directory):
            return None
        key = machine_key()
        return None if key is None else cls(directory, scope, key, checks, keys)

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
        name = _name(cand.rel)
        known = self.hashes_old.get(name)
        if known is not None and known[0] == sig and st.st_ctime_ns < known[2] - RACY_NS:
            self.hashes_new[name] = known
            return known[1]
        digest = content_hash(cand, max_bytes)
        if digest is not None:
            self.hashes_new[name] = (sig, digest, self.started_ns)
        return digest

    def load_hashes(self) -> None:
        """STAT_FILE: {name: [size, mtime, ctime, inode, device, hash, hashed at]}."""
        stored = _load(self.directory / STAT_FILE, self.key, self.scope)
        if not isinstance(stored, dict):
            return
        try:
            self.hashes_old = {name: (tuple(row[:5]), row[5], row[6]) for name, row in stored.items()}
        except (TypeError, IndexError, KeyError):
            self.hashes_old = {}

    def save_hashes(self, keep_unvisited: bool) -> None:
        """Write the hashes of this scan (and, for a partial scan, the earlier ones it did not visit)."""
        hashes = {**self.hashes_old, **self.hashes_new} if keep_unvisited else self.hashes_new
        if hashes != self.hashes_old:
            rows = {name: [*sig, digest, at] for name, (sig, digest, at) in hashes.items()}
            _write(self.directory, STAT_FILE, self.key, self.scope, [codec.dumps(rows)])

    def load_entries(self) -> None:
        """CACHE_FILE: the index's length (8 bytes), the index as JSON ([name, hash, kind, tracked, length]
        per entry), then each entry's compressed JSON, in the index's order."""
        payload = _read(self.directory / CACHE_FILE, self.key, self.scope)
        if payload is None or len(payload) < _LENGTH:
            return
        try:
            size = int.from_bytes(payload[:_LENGTH], "big")
            index = codec.loads(payload[_LENGTH : _LENGTH + size])
            entries: dict[str, Entry] = {}
            at = _LENGTH + size
            for name, digest, kind, tracked, length in index:
                entries[name] = (digest, kind, tracked, payload[at : at + length])
                at += length
        except (ValueError, TypeError):
            return
        if at == len(payload):
            self.old = entries

    def get(self, rel: str, digest: str, cand: Candidate) -> ScanOutput | None:
        """The stored output of `rel`, if it was stored for these very bytes, kind and tracked flag."""
        name = _name(rel)
        entry = self.old.get(name)
        if entry is None or entry[0] != digest or entry[1] != cand.kind or entry[2] != cand.tracked:
            return None
        try:
            out = codec.output_from(codec.loads(zlib.decompress(entry[3])), self.checks)
        except Exception:  # signed by this machine, yet unreadable (a check since removed...): scan the file
            return None
        self.new[name] = entry
        return out

    def put(self, rel: str, digest: str, cand: Candidate, prepared: Prepared | None) -> None:
        """Keep the entry the worker prepared (`prepare_entry`), if the file still hashes as it did before."""
        if prepared is not None and prepared[0] == digest and prepared[1] is not None:
            self.new[_name(rel)] = (digest, cand.kind, cand.tracked, prepared[1])

    def save(self, keep_unvisited: bool) -> None:
        """Write the entries of this scan (and, for a partial scan, the earlier ones it did not visit)."""
        entries = {**self.old, **self.new} if keep_unvisited else self.new
        if entries.keys() == self.old.keys() and all(entries[k] is self.old[k] for k in entries):
            return
        index = codec.dumps([[name, e[0], e[1], e[2], len(e[3])] for name, e in entries.items()])
        head = len(index).to_bytes(_LENGTH, "big")
        _write(self.directory, CACHE_FILE, self.key, self.scope, [head, index, *(e[3] for e in entries.values())])

    # --- the whole tree: a repeated run on an unchanged tree reads one small record -----------

    def tree(self, tree_key: str) -> tuple[ScanOutput, Judged] | None:
        """The output and judged outcome stored for this very tree (`tree_key`), if any.
        TREE_FILE: [tree key, judged check ids, output row, outcome row] (codec.py)."""
        stored = _load(self.directory / TREE_FILE, self.key, self.scope)
        if not isinstance(stored, list) or len(stored) != 4 or stored[0] != tree_key:
            return None
        try:
            ids = tuple(str(i) for i in stored[1])
            return codec.output_from(stored[2], self.checks), (ids, codec.outcome_from(stored[3], self.checks))
        except Exception:  # signed by this machine, yet unreadable: judge again
            return None

    def save_tree(self, tree_key: str, output: ScanOutput, judged: Judged) -> None:
        """Store a whole tree's output with its judged outcome (see `tree`), unless it holds key-shaped text."""
        # what only the judging and the second round read is not kept: the judged outcome is
        kept = dataclasses.replace(output, facts={}, imports=[], targets=set(), deferred=[])
        ids, outcome = judged
        if self.keys is not None and holds_secret((kept, outcome), self.keys):
            return
        record = [tree_key, list(ids), codec.output_row(kept), codec.outcome_row(outcome)]
        _write(self.directory, TREE_FILE, self.key, self.scope, [codec.dumps(record)])


def open_cache(root: Path | None, plan: ScanPlan, facts: ProjectFacts, max_bytes: int) -> ScanCache | None:
    """The cache of the project at `root` for this scope; None when there is none (off, no key, no root)."""
    if root is None or not cache_enabled():
        return None
    scope = scope_key(plan, facts, max_bytes)
    return None if scope is None else ScanCache.open(root / CACHE_DIR, scope, plan.checks(), plan.keys)


Prepared = tuple[str | None, bytes | None]  # a file's content hash after its scan, its results as compressed JSON


def prepare_entry(keys: KeyScanner, max_bytes: int, cand: Candidate, out: ScanOutput) -> Prepared:
    """Run where the file was scanned: hash it again (a file that changed meanwhile is not cached under the
    old hash), and encode its results unless they hold text of a key shape (the cache never stores a key)."""
    # compressed: the parent holds every entry until the cache is written (a fraction of the size)
    blob = None if holds_secret(out, keys) else zlib.compress(codec.dumps(codec.output_row(out)), 1)
    return content_hash(cand, max_bytes), blob


def tree_key(files: Sequence[Candidate], digests: Sequence[str | None], partial: bool) -> str | None:
    """What identifies a whole tree's scan: every file's path, content hash, kind and tracked flag."""
    if any(d is None for d in digests):
        return None  # an unreadable file: scan as usual
    h = hashlib.sha256(b"partial" if partial else b"whole")
    for cand, digest in zip(files, digests, strict=True):
        h.update(f"\0{cand.rel}\0{digest}\0{cand.kind}\0{cand.tracked}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()
