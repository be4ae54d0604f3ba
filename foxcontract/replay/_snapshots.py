"""The snapshots of replayed interactions, kept by syrupy's amber extension.

A cassette ``<folder>/<name>.yaml`` has its snapshots in ``<folder>/__snapshots__/<name>.ambr``,
one entry per interaction, named after it. Reading, serialising, diffing and writing are
syrupy's own (``AmberSnapshotExtension``, its serializer and ``SnapshotCollection``); what
foxcontract adds is ownership: the entries of a cassette belong to that cassette alone, so
only an item that ran writes its entry, an entry is removed only when its interaction is gone
from the cassette, and syrupy's session (which knows Python test modules, not cassettes)
never sees these files, so a partial run (``-k``, ``-m``, node ids, xdist) can neither report
them unused nor delete them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from syrupy.data import Snapshot, SnapshotCollection
from syrupy.extensions.amber import AmberSnapshotExtension
from syrupy.extensions.amber.serializer import AmberDataSerializer

from foxcontract.cassette import CassetteError
from foxcontract.redact import redact

__all__ = [
    "SnapshotFileError",
    "changed_entries",
    "diff",
    "read_entries",
    "serialize",
    "snapshot_path",
    "snapshot_text",
]

_EXTENSION = AmberSnapshotExtension()


class SnapshotFileError(CassetteError):
    """A snapshot file that cannot be read (not UTF-8, unreadable)."""


def snapshot_path(cassette_path: Path) -> Path:
    """Where syrupy's amber extension keeps the snapshots of a cassette file."""
    return cassette_path.parent / "__snapshots__" / f"{cassette_path.stem}.ambr"


def serialize(normalised: Any) -> str:
    """The amber text of a normalised answer (redacted: no key-like value in a snapshot)."""
    return str(_EXTENSION.serialize(redact(normalised)))


def read_entries(path: Path) -> dict[str, str]:
    """The entries of a snapshot file (empty when there is none); a file that is not UTF-8
    or cannot be read is a :class:`SnapshotFileError` naming it."""
    if not path.is_file():
        return {}
    try:
        collection = AmberDataSerializer.read_file(str(path))
    except (UnicodeDecodeError, OSError, ValueError) as exc:
        raise SnapshotFileError.at(
            path,
            1,
            f"cannot read this snapshot file ({type(exc).__name__}: {str(exc)[:120]}); "
            "restore it from version control, or delete it and record or run "
            "--snapshot-update again",
        ) from None
    return {s.name: str(s.data) for s in collection if s.data is not None}


def diff(recorded: str, snapshot: str) -> str:
    """syrupy's own diff of a snapshot entry against the answer replayed now."""
    return "\n".join(str(line) for line in _EXTENSION.diff_lines(recorded, snapshot))


def changed_entries(
    old: Mapping[str, str], new: Mapping[str, str], names: Iterable[str]
) -> dict[str, str] | None:
    """The entries after writing ``new`` over ``old`` and dropping those whose interaction
    (``names``: every interaction of the cassette) is gone; ``None`` when that changes
    nothing, so an unchanged file is never rewritten."""
    keep = set(names)
    merged = {k: v for k, v in old.items() if k in keep}
    merged.update(new)
    return None if merged == old else merged


def snapshot_text(entries: Mapping[str, str]) -> str:
    """The amber text of ``entries``, as syrupy's serializer writes it (to a scratch file,
    read back, so that the caller can write it together with its cassette)."""
    with tempfile.TemporaryDirectory(prefix="foxcontract-") as scratch:
        staged = Path(scratch) / "entries.ambr"
        collection = SnapshotCollection(location=str(staged))
        for name, data in entries.items():
            collection.add(Snapshot(name=name, data=data))
        AmberDataSerializer.write_file(collection)
        return staged.read_text("utf-8")
