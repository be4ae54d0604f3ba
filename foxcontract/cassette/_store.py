"""Writing a cassette folder safely: one lock per folder, and a cassette with its snapshot
file written as one unit.

Every write into a cassette folder (record runs, ``--snapshot-update``, pytest-xdist workers,
two record runs at once) holds the folder's lock for its read-merge-write. A pair of files is
written through a journal, ``<folder>/.foxcontract-journal/``: both new texts are written
there first, then a manifest (the commit point, an atomic rename), then each file is moved
into place. A run killed before the manifest leaves the previous pair untouched (the journal
is dropped by the next reader); one killed after it is rolled forward by the next reader, so
a cassette and its snapshots never disagree for longer than one interrupted write.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from foxcontract._filelock import lock as _lock
from foxcontract._filelock import unlock as _unlock
from foxcontract.redact import SecretLeakError, SecretLike, find_secrets

__all__ = ["JOURNAL", "folder_lock", "recover", "write_unit"]

JOURNAL = ".foxcontract-journal"
_MANIFEST = "manifest.json"


def _lock_path(folder: Path) -> Path:
    """The lock of a folder lives in the temporary directory: nothing extra in the user's
    folder, and the same file for every process naming the folder by any path."""
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"foxcontract-folder-{digest}.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the exclusive lock of a cassette folder (across processes) for the block; an
    interrupted unit write found on the way in is finished or dropped first."""
    fd = os.open(_lock_path(folder), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        try:
            _recover_locked(folder)
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def recover(folder: Path) -> None:
    """Finish (or drop) an interrupted unit write in ``folder``; cheap when there is none."""
    if (folder / JOURNAL).is_dir():
        with folder_lock(folder):
            pass


def _recover_locked(folder: Path) -> None:
    journal = folder / JOURNAL
    if not journal.is_dir():
        return
    manifest = journal / _MANIFEST
    try:
        moves = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
    except (OSError, ValueError):
        moves = {}  # a manifest is renamed into place whole: unreadable means not committed
    for staged, target in moves.items():
        source = journal / staged
        if source.is_file():
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    shutil.rmtree(journal, ignore_errors=True)


def _write_file(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def write_unit(folder: Path, texts: Mapping[Path, str], secrets: list[SecretLike]) -> None:
    """Write every ``path -> text`` as one unit (the caller holds :func:`folder_lock`).
    Each text is scanned for secrets first: on a leak nothing is written."""
    for path, text in texts.items():
        leaks = find_secrets(text, secrets)
        if leaks:
            raise SecretLeakError(f"{path}: refusing to write a secret ({'; '.join(leaks)})")
    journal = folder / JOURNAL
    journal.mkdir(parents=True, exist_ok=True)
    moves: dict[str, str] = {}
    for n, (path, text) in enumerate(texts.items()):
        staged = f"{n}-{path.name}.staged"
        _write_file(journal / staged, text)
        moves[staged] = str(path.resolve())
    pending = journal / f"{_MANIFEST}.tmp"
    _write_file(pending, json.dumps(moves))
    os.replace(pending, journal / _MANIFEST)  # the commit point
    _recover_locked(folder)
