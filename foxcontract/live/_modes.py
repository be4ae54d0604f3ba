"""What the paid creates a budget keeps send of each mode (variant) of a contract's body:
the ``coverage by mode`` lines of the live plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from foxcontract.contract.model import Contract, json_key
from foxcontract.live.targets import Target

__all__ = ["ModeCoverage", "mode_coverage"]

JSON = Any


@dataclass(frozen=True)
class ModeCoverage:
    """What the paid creates kept by the budget send of one mode (a variant of the body)."""

    contract: str
    mode: str
    kept: int
    planned: int
    models: int
    of_models: int
    pairs: int
    triples: int

    def describe(self) -> str:
        return (
            f"{self.mode}: {self.kept} of {self.planned} create(s), {self.models} of "
            f"{self.of_models} model(s), {self.pairs} pair(s), {self.triples} triple(s)"
        )


def mode_coverage(
    contract: Contract,
    kept: Iterable[tuple[Mapping[str, JSON], Iterable[Target]]],
    dropped: Iterable[Mapping[str, JSON]],
) -> tuple[ModeCoverage, ...]:
    """Per variant of ``contract``: the creates kept (each with what it newly covers) and
    planned, the discriminator values sent, and the pairs and triples covered."""
    if not contract.variants or contract.discriminator is None:
        return ()
    chooser = contract.discriminator
    out = []
    kept = list(kept)
    dropped = list(dropped)
    for v in contract.variants:
        mine = [(b, list(t)) for b, t in kept if contract.variant_of(b) is v]
        sent = {json_key(b[chooser]) for b, _ in mine if chooser in b}
        out.append(
            ModeCoverage(
                contract.name,
                v.name,
                len(mine),
                len(mine) + sum(1 for b in dropped if contract.variant_of(b) is v),
                len(sent & v.keys),
                len(v.values),
                sum(1 for _, met in mine for t in met if t.priority == 1),
                sum(1 for _, met in mine for t in met if t.priority == 2),
            )
        )
    return tuple(out)
