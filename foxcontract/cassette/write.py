"""Writing cassettes: redacted, scanned for secrets, written with their snapshots as one unit
under the lock of their folder; and built from the documented
examples of a contract (``source: docs``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from foxcontract.cassette._store import folder_lock, write_unit
from foxcontract.cassette.load import CassetteError, is_cassette, load_cassette
from foxcontract.cassette.model import Cassette, Interaction
from foxcontract.contract import fill_path
from foxcontract.contract.model import Contract
from foxcontract.redact import SecretLike, redact, redact_headers

__all__ = ["HEADER", "Companions", "dump_cassette", "from_examples", "now", "write_cassette"]

HEADER = (
    "# foxcontract cassette: recorded FoxAPI interactions; the format is described in\n"
    "# foxcontract/cassette/model.py. Replayed by `pytest contracts`.\n"
)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dump_cassette(cassette: Cassette) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    out = io.StringIO()
    yaml.dump(cassette.to_data(), out)
    return HEADER + out.getvalue()


def _redacted(interaction: Interaction, secrets: list[SecretLike]) -> Interaction:
    return replace(
        interaction,
        request_headers=redact_headers(interaction.request_headers, secrets),
        request_body=redact(interaction.request_body, secrets),
        response_headers=redact_headers(interaction.response_headers, secrets),
        response_body=redact(interaction.response_body, secrets),
    )


Companions = Callable[[Cassette], Mapping[Path, str]]
"""Files written in one unit with a cassette, computed from the cassette as merged (its
snapshot file)."""


def write_cassette(
    cassette: Cassette,
    secrets: Iterable[SecretLike] = (),
    *,
    merge: bool = True,
    keep: Callable[[Interaction], bool] | None = None,
    companions: Companions | None = None,
    guard: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``cassette`` to its path, redacted. With ``merge``, interactions already in the
    file are kept unless one of the same name replaces them or ``keep`` refuses them; an
    existing file that is not a valid cassette (or is a contract) is a :class:`CassetteError`
    and is left untouched. ``companions`` (of the merged cassette) are written in one unit
    with it, under the lock of the cassette's folder. ``guard(path)`` is called under that
    lock before anything is read or written; it raises to refuse the write (the file is
    then left as it is)."""
    known = list(secrets)
    path = cassette.path
    interactions = [_redacted(i, known) for i in cassette.interactions]
    with folder_lock(path.parent):
        if guard is not None:
            guard(path)
        if path.exists():
            if not is_cassette(path):
                raise CassetteError.at(
                    path, 1, "refusing to overwrite a file that is not a cassette"
                )
            if merge:
                old = load_cassette(path)
                new_names = {i.name for i in interactions}
                interactions = [
                    i
                    for i in old.interactions
                    if i.name not in new_names and (keep is None or keep(i))
                ] + interactions
        merged = replace(cassette, interactions=tuple(interactions))
        texts = {path: dump_cassette(merged)}
        if companions is not None:
            texts.update(companions(merged))
        write_unit(path.parent, texts, known)
    return path


def _example_path(contract: Contract, params: dict[str, Any]) -> str:
    return fill_path(contract.url_path, params)


def from_examples(contract: Contract, path: Path, recorded_at: str | None = None) -> Cassette:
    """A ``source: docs`` cassette of the contract's documented examples."""
    interactions = []
    for example in contract.examples:
        auth = contract.provider.auth
        headers = {auth.header_name: auth.value("<redacted>")} if contract.keyed else {}
        if contract.has_body:
            headers["content-type"] = contract.content_type or "application/json"
        interactions.append(
            Interaction(
                name=example.name,
                doc=example.doc,
                method=contract.method,
                path=_example_path(contract, dict(example.params)),
                request_headers=headers,
                request_body=example.body if contract.has_body else None,
                has_body=contract.has_body,
                status=example.status,
                response_headers={"content-type": "application/json"},
                response_body=example.response_body,
            )
        )
    return Cassette(
        path=path,
        contract=contract.name,
        contract_version=contract.version,
        source="docs",
        recorded_at=recorded_at or now(),
        base_url=contract.provider.base_url,
        doc=f"The documented examples of {contract.path.name}, as a cassette.",
        interactions=tuple(interactions),
    )
