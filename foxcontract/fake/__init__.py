"""The contract-faithful fake FoxAPI: in-process (respx) or served on loopback (HTTP).

The core is transport-free: ``FakeAPI(config).handle(FakeRequest) -> FakeResponse``.

- ``FakeAPI``: answers ``POST /v1/videos/generations`` and ``GET /v1/tasks/{task_id}`` as the
  contracts say: 401 for a missing or wrong key, 400 for a non-JSON body or Content-Type,
  the contract's error (status, type, code) for a body the oracle rejects, a task that moves
  along its :class:`TaskScript` at each poll, 404 ``not_found`` for an unknown task.
  ``configure(...)``, ``add_fault(Fault)``, ``script_task(TaskScript)``, ``reset()``,
  ``calls`` (every :class:`Call`, with the rules its body broke), ``paid``.
- ``FakeConfig``: ``key``, ``faults`` (:class:`Fault`: ``kind``/``status`` with
  ``retry_after``, ``delay``, ``drop``, ``times``, ``method``, ``path``), ``task``
  (:class:`TaskScript`), ``credits`` (then 402), ``mutations`` (:class:`Mutations`:
  deliberate contract breaks for drift tests and mutation benchmarks), ``seed``.
  ``FakeConfig.from_dict/from_json/from_file/from_env`` (``FOXCONTRACT_FAKE_CONFIG``).
- ``mount(fake, respx_router, base_url)``: in-process, for httpx clients.
- ``FakeServer(fake, port=0)``: on 127.0.0.1 over real HTTP, scriptable at ``/_fake/``;
  the command ``python -m foxcontract serve --port 8080 [--key K] [--config FILE]``. Every
  malformed request is answered (400, 413, ...) in the errors contract's body.
- Bodies are read as strict JSON (``wire.strict_json``: UTF-8, no NaN/Infinity, no duplicate
  keys, depth 64). The call log keeps the last 10,000 calls and 32 MiB of bodies, each cut
  to 64 KiB; every :class:`Call` carries ``at`` (monotonic) and ``wall`` times.
- ``behaviour.check_calls(calls, fake)``: did the client honour Retry-After, stop polling a
  finished task, never send an accepted create again.
"""

from foxcontract.fake.config import (
    CONFIG_ENV,
    TEST_KEY,
    FakeConfig,
    FakeConfigError,
    Fault,
    Mutations,
    TaskScript,
)
from foxcontract.fake.core import FakeAPI
from foxcontract.fake.mount import DEFAULT_BASE_URL, mount
from foxcontract.fake.server import FakeServer
from foxcontract.fake.wire import Call, FakeRequest, FakeResponse

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_BASE_URL",
    "TEST_KEY",
    "Call",
    "FakeAPI",
    "FakeConfig",
    "FakeConfigError",
    "FakeRequest",
    "FakeResponse",
    "FakeServer",
    "Fault",
    "Mutations",
    "TaskScript",
    "mount",
]
