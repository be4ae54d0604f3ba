"""The ``fox_replay`` fixture: a user's httpx code answered from cassettes, offline.

``@pytest.mark.fox_cassette("tests/cassettes")`` names a folder of cassettes (one file per
contract, ``<contract>.yaml``) or cassette files; without it, the shipped cassettes. In
replay mode (the default) each request is answered with the recorded response whose
request matches (method, endpoint, body; volatile path parameters such as task ids are
ignored); a request with no recording fails with :class:`MissingInteractionError`, and any
other network request is blocked. With ``--fox-mode record`` the requests go to
``--fox-base-url`` and each answer is written, redacted, to ``<folder>/<contract>.yaml``
(``source: live``); ``--fox-mode live`` passes them through without recording.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from foxcontract._files import is_cassette, yaml_files
from foxcontract._project import ProjectContracts, cassette_folder, project_contracts
from foxcontract.cassette import Cassette, Interaction, load_cassette
from foxcontract.cassette.write import now, write_cassette
from foxcontract.contract.model import Contract
from foxcontract.offline import HOW_TO_RECORD, Unchained, blocked_network
from foxcontract.options import SETTINGS, Mode
from foxcontract.redact import redact
from foxcontract.replay import contract_for, matches

__all__ = ["FoxReplay", "MissingInteractionError", "forward", "fox_replay_session"]


class MissingInteractionError(Unchained):
    """A request in replay mode that no cassette recorded."""


def _cassette_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out += [p for p in yaml_files(path) if is_cassette(p)] if path.is_dir() else [path]
    return out


class FoxReplay:
    """The cassettes a test replays, and the requests it made (``calls``)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.cassettes: list[tuple[Cassette, Contract]] = []
        for file in _cassette_files(paths):
            if file.exists():
                cassette = load_cassette(file)
                self.cassettes.append((cassette, contract_for(cassette)))
        self.calls: list[tuple[httpx.Request, Interaction]] = []

    def answer(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        body: Any = None
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = request.content.decode("utf-8", "replace")
        for cassette, contract in self.cassettes:
            base = cassette.base_url.rstrip("/")
            if not url.startswith(base + "/"):
                continue
            path = url[len(base) :]
            for interaction in cassette.interactions:
                if matches(interaction, contract, request.method, path, body):
                    self.calls.append((request, interaction))
                    return httpx.Response(
                        interaction.status,
                        headers=dict(interaction.response_headers),
                        json=interaction.response_body,
                    )
        shown = json.dumps(redact(body), sort_keys=True) if body is not None else "(no body)"
        where = ", ".join(str(p) for p in self.paths) or "(none)"
        raise MissingInteractionError(
            f"no recorded interaction matches {request.method} {url} with body {shown} "
            f"in the cassettes {where}: {HOW_TO_RECORD}"
        )


def forward(request: httpx.Request) -> httpx.Response:
    """Send ``request`` over the real network with ``http.client`` (respx patches httpx's
    own transport), so the answer can be both returned and recorded."""
    url = request.url
    timeouts: Any = request.extensions.get("timeout") or {}
    timeout = float(timeouts.get("read") or 30.0)
    connection_class = (
        http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(url.host, url.port, timeout=timeout)
    try:
        connection.request(
            request.method,
            url.raw_path.decode(),
            body=request.content,
            headers=dict(request.headers),
        )
        answer = connection.getresponse()
        content = answer.read()
    except TimeoutError:
        raise httpx.ReadTimeout("the API answered too slowly", request=request) from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from None
    finally:
        connection.close()
    headers = [(k, v) for k, v in answer.getheaders() if k.lower() != "transfer-encoding"]
    return httpx.Response(answer.status, headers=headers, content=content, request=request)


class _Recorder:
    def __init__(self, project: ProjectContracts) -> None:
        self.project = project
        self.calls: list[tuple[httpx.Request, httpx.Response]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = forward(request)
        self.calls.append((request, response))
        return response

    def write(self, base_url: str, folder: Path, test_name: str) -> None:
        create, poll = self.project.create, self.project.poll
        by_contract: dict[str, list[Interaction]] = {}
        for n, (request, response) in enumerate(self.calls, start=1):
            contract = create if request.method == create.method else poll
            content = request.content
            interaction = Interaction(
                name=f"{test_name}-{n}",
                method=request.method,
                path=request.url.raw_path.decode(),
                request_headers={
                    k: v
                    for k, v in request.headers.items()
                    if k in ("authorization", "content-type")
                },
                request_body=json.loads(content) if content else None,
                has_body=bool(content),
                status=response.status_code,
                response_headers={"content-type": response.headers.get("content-type", "")},
                response_body=response.json() if response.content else None,
            )
            by_contract.setdefault(contract.name, []).append(interaction)
        for contract in (create, poll):
            if contract.name in by_contract:
                write_cassette(
                    Cassette(
                        path=folder / f"{contract.name}.yaml",
                        contract=contract.name,
                        contract_version=contract.version,
                        source="live",
                        recorded_at=now(),
                        base_url=base_url,
                        interactions=tuple(by_contract[contract.name]),
                    )
                )


def fox_replay_session(request: pytest.FixtureRequest) -> Iterator[FoxReplay]:
    """The ``fox_replay`` fixture's work (registered in :mod:`foxcontract._registered`)."""
    marker = request.node.get_closest_marker("fox_cassette")
    root = Path(str(request.config.rootpath))
    paths = (
        [root / str(p) for p in marker.args]
        if marker
        else [cassette_folder(request.config, request.node)]  # the project's, else shipped
    )
    settings = request.config.stash[SETTINGS]
    if settings.mode is Mode.REPLAY:
        replay = FoxReplay(paths)
        with respx.mock(assert_all_called=False) as router:
            router.route().mock(side_effect=replay.answer)
            with blocked_network(router):
                yield replay
        return
    recorder = _Recorder(project_contracts(request.config, request.node))
    with respx.mock(assert_all_called=False) as router:
        router.route(url__startswith=settings.base_url + "/").mock(side_effect=recorder)
        router.route().pass_through()
        yield FoxReplay([])
    if settings.mode is Mode.RECORD:
        folder = paths[0] if paths[0].is_dir() or not paths[0].suffix else paths[0].parent
        recorder.write(settings.base_url, folder, request.node.name)
