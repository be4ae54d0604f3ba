"""The ``fox_replay`` fixture: a user's httpx code answered from cassettes, offline.

``@pytest.mark.fox_cassette("tests/cassettes")`` names a folder of cassettes (one file per
contract, ``<contract>.yaml``) or cassette files, relative to the rootdir; without it, the
shipped cassettes. In replay mode (the default) each request is answered with a recorded
response (see :mod:`foxcontract.replay._sequence`: any host or base-URL prefix, repeated
requests in recorded order); a request with no recording fails with
:class:`MissingInteractionError`, saying what differs from the nearest recording, and any
other network request is blocked. Replay needs no key: ``FOXAPI_API_KEY`` is set to a
placeholder for the test when it is unset.

With ``--fox-mode record`` the requests go to ``--fox-base-url`` (or ``FOXAPI_BASE_URL``),
which is set in the provider's ``base_url_env`` (``FOXAPI_BASE_URL``) for the test, so a
client that reads its base URL from the environment sends them there;
every paid create reserved first in the run's budget ledger (``--fox-budget``; refused before
it is sent when none is left), and the answers are written, redacted, to
``<folder>/<contract>.yaml`` with their snapshots, as one unit. ``--fox-record-mode all``
(the default there) sends every request and rewrites the test's recordings; ``new``
replays what is recorded and sends only what is missing. ``--fox-mode live`` sends them the
same way (budgeted, to the configured base URL) without recording.
"""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import respx

from foxcontract._project import cassette_folder, project_contracts
from foxcontract.cassette import Cassette, CassetteError, Interaction, load_cassette, recover
from foxcontract.cassette.write import now
from foxcontract.contract.model import Contract
from foxcontract.offline import HOW_TO_RECORD, Standalone, Unchained, blocked_network
from foxcontract.options import SETTINGS, Mode, RecordMode, RunSettings
from foxcontract.redact import SecretLike, redact
from foxcontract.replay import (
    Recorded,
    Sequencer,
    cassette_files,
    contract_for,
    endpoint_contracts,
    endpoint_of,
    record_cassette,
    recordings,
    relative_path,
)

__all__ = [
    "OFFLINE_KEY",
    "AnswerTimeoutError",
    "BudgetRefusedError",
    "ConnectionDroppedError",
    "ConnectionNotOpenedError",
    "ConnectionNotOpenedTimeout",
    "FoxReplay",
    "MissingInteractionError",
    "WrongBaseURLError",
    "forward",
    "fox_replay_session",
]
_T = TypeVar("_T")
OFFLINE_KEY = "sk-foxcontract-replay-offline"
"""The provider's key variable (``FOXAPI_API_KEY``) during a replayed test when it is unset:
replay needs no key."""

HOW_TO_RECORD_MISSING = (
    "to record what is missing, run pytest --fox-mode record --fox-record-mode new "
    "(FOXAPI_API_KEY set, --fox-budget N for paid creates)"
)


class MissingInteractionError(Unchained):
    """A request in replay mode that no cassette recorded."""


class BudgetRefusedError(Unchained):
    """A paid create in record mode with no budget left: it was not sent."""


class WrongBaseURLError(Unchained):
    """A FoxAPI request in record mode to another host than the one being recorded."""


def _body(request: httpx.Request) -> Any:
    if not request.content:
        return None
    try:
        return json.loads(request.content)
    except ValueError:
        return request.content.decode("utf-8", "replace")


def _response(interaction: Interaction, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        interaction.status,
        headers=dict(interaction.response_headers),
        json=interaction.response_body,
        request=request,
    )


class FoxReplay:
    """The cassettes a test replays, and the requests it made (``calls``: the request and
    the recorded interaction that answered it, or the answer recorded now)."""

    def __init__(self, paths: list[Path], test: str = "") -> None:
        self.paths = paths
        self.cassettes: list[tuple[Cassette, Contract]] = []
        for file in cassette_files(paths):
            if file.exists():
                recover(file.parent)
                cassette = load_cassette(file)
                self.cassettes.append((cassette, contract_for(cassette)))
        self.sequencer = Sequencer(recordings(self.cassettes), test)
        self.calls: list[tuple[httpx.Request, Interaction]] = []
        self.key = OFFLINE_KEY

    def lookup(self, request: httpx.Request, *, exact: bool = False) -> Recorded | None:
        return self.sequencer.find(request.method, request.url.path, _body(request), exact=exact)

    def answer(self, request: httpx.Request) -> httpx.Response:
        __tracebackhide__ = True
        found = self.lookup(request)
        if found is None:
            raise self.missing(request)
        self.calls.append((request, found.interaction))
        return _response(found.interaction, request)

    def missing(self, request: httpx.Request) -> MissingInteractionError:
        body = _body(request)
        shown = json.dumps(redact(body), sort_keys=True) if body is not None else "(no body)"
        where = ", ".join(str(p) for p in self.paths) or "(none)"
        why = self.sequencer.explain(request.method, request.url.path, body)
        return MissingInteractionError(
            f"no recorded interaction matches {request.method} {request.url}\n"
            f"  body sent: {shown}\n"
            f"  why:       {why}\n"
            f"  cassettes: {where}\n"
            f"  {HOW_TO_RECORD};\n  {HOW_TO_RECORD_MISSING}"
        )


class ConnectionNotOpenedError(Standalone, httpx.ConnectError):
    """The connection could not be opened (refused, unknown host, TLS handshake): the
    ``httpx.ConnectError`` the client would get without respx, nothing of the request sent."""


class ConnectionNotOpenedTimeout(Standalone, httpx.ConnectTimeout):
    """The connection was not opened in time: httpx's ``ConnectTimeout``, nothing sent."""


class ConnectionDroppedError(Standalone, httpx.RemoteProtocolError):
    """The connection dropped (or the answer was not HTTP) after the request went out."""


class AnswerTimeoutError(Standalone, httpx.ReadTimeout):
    """No answer in time after the request went out."""


def forward(request: httpx.Request) -> httpx.Response:
    """Send ``request`` over the real network with ``http.client`` (respx patches httpx's
    own transport), so the answer can be both returned and recorded. A connection that
    could not be opened is httpx's ``ConnectError`` (``ConnectTimeout``), as without respx:
    nothing was sent (:func:`foxcontract.live.client.never_opened`); a failure after that is
    a ``ReadTimeout`` or ``RemoteProtocolError``."""
    url = request.url
    timeouts: Any = request.extensions.get("timeout") or {}
    connect_timeout = float(timeouts.get("connect") or 30.0)
    timeout = float(timeouts.get("read") or 30.0)
    connection_class = (
        http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(url.host, url.port, timeout=connect_timeout)
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise ConnectionNotOpenedTimeout(
                f"no connection to {url.host if url.port is None else f'{url.host}:{url.port}'} "
                f"within {connect_timeout:g}s",
                request=request,
            ) from None
        except OSError as exc:  # refused, a name that does not resolve, TLS: nothing sent
            raise ConnectionNotOpenedError(
                str(exc) or type(exc).__name__, request=request
            ) from None
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        connection.request(
            request.method,
            url.raw_path.decode(),
            body=request.content,
            headers=dict(request.headers),
        )
        answer = connection.getresponse()
        content = answer.read()
    except TimeoutError:
        raise AnswerTimeoutError("the API answered too slowly", request=request) from None
    except (http.client.HTTPException, OSError) as exc:
        raise ConnectionDroppedError(str(exc) or type(exc).__name__, request=request) from None
    finally:
        connection.close()
    headers = [(k, v) for k, v in answer.getheaders() if k.lower() != "transfer-encoding"]
    return httpx.Response(answer.status, headers=headers, content=content, request=request)


def _interaction(
    request: httpx.Request, response: httpx.Response, contract: Contract
) -> Interaction:
    """What was sent and answered, as a cassette holds it (named when written)."""
    content = request.content
    return Interaction(
        name="",
        method=request.method,
        path=relative_path(contract, request.url.path) or request.url.path,
        request_headers={
            k: v for k, v in request.headers.items() if k in ("authorization", "content-type")
        },
        request_body=_body(request) if content else None,
        has_body=bool(content),
        status=response.status_code,
        response_headers={"content-type": response.headers.get("content-type", "")},
        response_body=response.json() if response.content else None,
    )


class _Recorder:
    """Live and record modes: sends to the configured base URL (paid creates through the
    budget ledger) and keeps what it saw; with ``--fox-record-mode new`` it replays what is
    already recorded first."""

    def __init__(
        self,
        settings: RunSettings,
        ledger: Any,
        contracts: list[Contract],
        replay: FoxReplay,
        *,
        replay_first: bool,
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.contracts = contracts
        self.replay = replay
        self.replay_first = replay_first
        self.sent: list[tuple[Contract, Interaction]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        __tracebackhide__ = True
        contract = endpoint_of(self.contracts, request.method, request.url.path)
        if contract is None:
            return forward(request)  # not FoxAPI: record mode is networked, nothing to keep
        if self.replay_first:
            found = self.replay.lookup(request, exact=True)
            if found is not None:
                self.replay.calls.append((request, found.interaction))
                return _response(found.interaction, request)
        base = self.settings.base_url
        if not str(request.url).startswith(base + "/"):
            raise WrongBaseURLError(
                f"{request.method} {request.url} was not sent: this run records against "
                f"{base} (--fox-base-url or FOXAPI_BASE_URL); point the client at the same "
                "base URL"
            )
        paid = bool(contract.paid)
        if paid and not self.ledger.reserve():
            raise BudgetRefusedError(
                f"{request.method} {request.url} was not sent: it is a paid create "
                f"({contract.name}) and {self.ledger.describe()} "
                f"(--fox-budget {self.settings.budget}); raise --fox-budget to record it"
            )
        try:
            response = forward(request)
        except BaseException as exc:
            if paid:
                from foxcontract.live.client import never_opened

                if never_opened(exc):
                    self.ledger.release()  # nothing was sent: it cost nothing
                else:
                    self.ledger.charge()  # it may have been accepted: count it as spent
            raise
        if paid:
            from foxcontract.live.budget import charged_statuses

            if str(response.status_code) in charged_statuses(contract):
                self.ledger.charge()  # any answer but a listed refusal (201 too)
            else:
                self.ledger.release()
        try:
            interaction = _interaction(request, response, contract)
        except ValueError:  # an answer that is not JSON: a cassette holds JSON
            return response
        self.sent.append((contract, interaction))
        self.replay.calls.append((request, interaction))
        return response

    def write(self, folder: Path, test: str, secrets: list[SecretLike]) -> list[Path]:
        rewrite = self.settings.record_mode is RecordMode.ALL
        by_contract: dict[str, list[Interaction]] = {}
        start = 0 if rewrite else self._last_number(folder, test)
        for n, (contract, interaction) in enumerate(self.sent, start=start + 1):
            named = replace(interaction, name=f"{test}-{n}")
            by_contract.setdefault(contract.name, []).append(named)
        written: list[Path] = []
        mine = f"{test}-"

        def keep(interaction: Interaction) -> bool:
            return not (rewrite and interaction.name.startswith(mine))

        for contract in self.contracts:
            if contract.name not in by_contract:
                continue
            cassette = Cassette(
                path=folder / f"{contract.name}.yaml",
                contract=contract.name,
                contract_version=contract.version,
                source="live",
                recorded_at=now(),
                base_url=self.settings.base_url,
                interactions=tuple(by_contract[contract.name]),
            )
            written += record_cassette(cassette, contract, secrets, keep=keep)
        return written

    def _last_number(self, folder: Path, test: str) -> int:
        """The highest ``<test>-<n>`` already recorded in ``folder`` (new mode appends)."""
        last = 0
        for file in cassette_files([folder]):
            if not file.exists():
                continue
            for i in load_cassette(file).interactions:
                tail = i.name[len(test) + 1 :]
                if i.name.startswith(f"{test}-") and tail.isdigit():
                    last = max(last, int(tail))
        return last


def _paths(request: pytest.FixtureRequest) -> list[Path]:
    marker = request.node.get_closest_marker("fox_cassette")
    root = Path(str(request.config.rootpath))
    if marker and marker.args:
        return [root / str(p) for p in marker.args]
    return [cassette_folder(request.config, request.node)]  # the project's, else shipped


def _cleanly(paths: list[Path], action: Callable[[], _T]) -> _T:
    """``action()``, reading or writing the cassettes of ``paths``: a broken cassette (or
    the contract it names) fails the test with its ``file:line`` problems alone, as a broken
    contract does (:func:`foxcontract._project.project_contracts`)."""
    from foxcontract.contract.errors import ContractError

    problem: CassetteError | ContractError | None = None
    try:
        return action()
    except (CassetteError, ContractError) as exc:
        problem = exc
    where = ", ".join(str(p) for p in paths)  # failed outside the except: the message once
    pytest.fail(f"the cassettes of fox_replay ({where}):\n{problem}", pytrace=False)


def fox_replay_session(request: pytest.FixtureRequest) -> Iterator[FoxReplay]:
    """The ``fox_replay`` fixture's work (registered in :mod:`foxcontract._registered`)."""
    paths = _paths(request)
    test = request.node.name
    settings = request.config.stash[SETTINGS]
    if settings.mode is Mode.REPLAY:
        replay = _cleanly(paths, lambda: FoxReplay(paths, test))
        key_env = project_contracts(request.config, request.node).create.provider.auth.key_env
        with pytest.MonkeyPatch.context() as patch, respx.mock(assert_all_called=False) as router:
            if not os.environ.get(key_env):
                patch.setenv(key_env, OFFLINE_KEY)
            router.route().mock(side_effect=replay.answer)
            with blocked_network(router):
                yield replay
        return
    from foxcontract.live.run import LIVE

    run = request.config.stash[LIVE]
    recording = settings.mode is Mode.RECORD
    if recording and request.node.get_closest_marker("fox_cassette") is None:
        pytest.fail(
            "fox_replay records into the folder named by @pytest.mark.fox_cassette(...), "
            "relative to the rootdir: add one to this test (the shipped cassettes are never "
            "written to)",
            pytrace=False,
        )
    folder = paths[0] if paths[0].is_dir() or not paths[0].suffix else paths[0].parent
    contracts = _cleanly([folder], lambda: endpoint_contracts(folder))
    new = settings.record_mode is RecordMode.NEW
    replay = _cleanly(paths, lambda: FoxReplay(paths if new else [], test))
    recorder = _Recorder(settings, run.ledger, contracts, replay, replay_first=new)
    base_url_env = run.provider.base_url_env
    with pytest.MonkeyPatch.context() as patch, respx.mock(assert_all_called=False) as router:
        patch.setenv(base_url_env, settings.base_url)  # where the requests must go
        router.route().mock(side_effect=recorder)
        yield replay
    if recording and recorder.sent:
        _cleanly([folder], lambda: recorder.write(folder, test, [run.key]))
