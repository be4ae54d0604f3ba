"""Writing what a record run saw: a cassette and its snapshots, as one unit.

Both record paths (the contract suite's ``--fox-mode record`` and the ``fox_replay``
fixture) and ``--snapshot-update`` write here, under the lock of the cassette's folder, so
the next plain run is green and two runs at once never lose each other's entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from foxcontract.cassette import (
    Cassette,
    CassetteError,
    Interaction,
    folder_lock,
    load_cassette,
    write_cassette,
    write_unit,
)
from foxcontract.contract.model import Contract
from foxcontract.redact import SecretLike
from foxcontract.replay import replay
from foxcontract.replay._snapshots import (
    changed_entries,
    read_entries,
    serialize,
    snapshot_path,
    snapshot_text,
)

__all__ = ["record_cassette", "update_snapshots"]


def _entries_of(cassette: Cassette, contract: Contract, names: set[str]) -> dict[str, str]:
    return {
        i.name: serialize(replay(i, contract).normalised)
        for i in cassette.interactions
        if i.name in names
    }


def record_cassette(
    cassette: Cassette,
    contract: Contract,
    secrets: Iterable[SecretLike] = (),
    *,
    keep: Callable[[Interaction], bool] | None = None,
) -> list[Path]:
    """Merge ``cassette`` into its file (``keep`` decides which old interactions stay) and
    write the snapshots of its new interactions in the same unit; returns both paths."""
    fresh = {i.name for i in cassette.interactions}
    target = snapshot_path(cassette.path)

    def companions(merged: Cassette) -> Mapping[Path, str]:
        old = read_entries(target)
        entries = changed_entries(
            old,
            _entries_of(merged, contract, fresh),
            [i.name for i in merged.interactions],
        )
        return {} if entries is None else {target: snapshot_text(entries)}

    return [write_cassette(cassette, secrets, keep=keep, companions=companions), target]


def update_snapshots(cassette: Cassette, new: Mapping[str, str]) -> bool:
    """``--snapshot-update`` of a cassette's items that ran: write their entries (and drop
    those of interactions gone from the cassette); ``False`` when the file already says so."""
    target = snapshot_path(cassette.path)
    with folder_lock(cassette.path.parent):
        try:  # the cassette as it is now: a record run may have added to it meanwhile
            current = load_cassette(cassette.path)
        except CassetteError:
            current = cassette
        names = {i.name for i in current.interactions} | set(new)
        entries = changed_entries(read_entries(target), new, names)
        if entries is None:
            return False
        write_unit(cassette.path.parent, {target: snapshot_text(entries)}, [])
    return True
