"""The one table of foxcontract's command-line options and their ini mirrors, resolved once
per run into the frozen settings (read with ``config.stash[SETTINGS]``). The settings, the
modes and the defaults live in :mod:`foxcontract._settings`, which the fake, the cassettes
and live mode read without depending on pytest's options; they are re-exported here."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from foxcontract._settings import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_MAX_FREE_PROBES,
    DEFAULT_WAIT,
    SETTINGS,
    Mode,
    RecordMode,
    RunSettings,
    check_base_url,
)

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_ANSWER_BYTES",
    "DEFAULT_MAX_FREE_PROBES",
    "DEFAULT_WAIT",
    "OPTIONS",
    "SETTINGS",
    "Mode",
    "Option",
    "RecordMode",
    "RunSettings",
    "add_options",
    "refuse_secret_arguments",
    "resolve",
]


@dataclass(frozen=True)
class Option:
    """One option: ``--fox-<name>`` on the command line, ``fox_<name>`` in the ini file."""

    name: str
    help: str
    default: Any
    convert: Callable[[str], Any] = str
    choices: tuple[str, ...] | None = None
    env: str | None = None
    metavar: str | None = None
    switch: bool = False
    """A flag without a value on the command line (``--fox-strict``); ``true``/``false``
    in the ini file."""
    echo: bool = True
    """Whether a bad value is repeated in the usage error (not for one that may hold the key)."""

    @property
    def flag(self) -> str:
        return f"--fox-{self.name}"

    @property
    def dest(self) -> str:
        return "fox_" + self.name.replace("-", "_")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError("expected a whole number, such as 5") from None


def _non_negative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise ValueError(f"must be 0 or more, got {value}")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("expected a number of seconds, such as 300 or 2.5") from None
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"must be a finite number of 0 or more, got {value}")
    return value


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise ValueError(f"must be 1 or more, got {value}")
    return value


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("use true or false")


def _paths(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace("\n", ",").split(",") if p.strip())


OPTIONS: tuple[Option, ...] = (
    Option(
        "mode",
        "replay (default: offline, free), live (real requests, paid), or record "
        "(live, and write redacted cassettes and snapshots)",
        Mode.REPLAY.value,
        choices=tuple(m.value for m in Mode),
    ),
    Option(
        "base-url",
        f"the API to call in live and record modes (also {BASE_URL_ENV})",
        DEFAULT_BASE_URL,
        check_base_url,
        env=BASE_URL_ENV,
        metavar="URL",
        echo=False,
    ),
    Option(
        "budget",
        "the most paid creates (accepted POSTs) a live run may make, across retries and workers",
        0,
        _non_negative_int,
        metavar="N",
    ),
    Option(
        "wait",
        "the run's deadline for following tasks: every created task is polled, all at once, "
        "until it is in a terminal state (and stays there on one more poll) or this many "
        "seconds after the run's first paid create have passed (then it fails as stuck); "
        "0: a task must be terminal at its first poll (default 300)",
        DEFAULT_WAIT,
        _non_negative_float,
        metavar="SECONDS",
    ),
    Option(
        "report",
        "also write the run's report as JSON to this file: run metadata, budget and spend, "
        "rule coverage, every live probe and its request, drift (foxcontract/_report.schema.json)",
        None,
        metavar="FILE",
    ),
    Option(
        "contracts",
        "the project's contracts: files or folders (comma-separated) that fox_api, fox_replay "
        "and the suite follow instead of the shipped ones; every .yaml/.yml file in them is a "
        "contract, so an empty or broken one fails collection (elsewhere only files with a "
        "top-level foxcontract: 1 are)",
        (),
        _paths,
        metavar="PATHS",
    ),
    Option(
        "record-mode",
        "what the fox_replay fixture records with --fox-mode record: all (default there: send "
        "every request and rewrite the test's recordings) or new (replay what is recorded, "
        "send and record only what is missing); none (replay only) is the replay mode's",
        None,
        choices=("none", "new", "all"),
    ),
    Option(
        "max-answer-bytes",
        f"the most bytes a live answer may have (default {DEFAULT_MAX_ANSWER_BYTES}, 16 MiB); "
        "a larger answer fails its probe and is not read past the limit",
        DEFAULT_MAX_ANSWER_BYTES,
        _positive_int,
        metavar="BYTES",
    ),
    Option(
        "strict",
        "live: fail on an assumption of the contract that the provider disproves (by default "
        "it is reported with the YAML change that adopts it)",
        False,
        _boolean,
        switch=True,
    ),
    Option(
        "baseline",
        "live: a YAML or JSON file of accepted drift (rule or probe, reason, date): known "
        "disagreements are reported without failing, fixed ones reported as stale",
        None,
        metavar="FILE",
    ),
    Option(
        "max-free-probes",
        "live: the most free probes (requests the contract says are refused) a run sends; "
        "each rule gets its first probes before any gets more",
        DEFAULT_MAX_FREE_PROBES,
        _non_negative_int,
        metavar="N",
    ),
    Option(
        "summary",
        "write the run's Markdown summary (verdict, money spent, drift, unreached rules, "
        "coverage per model) to this file; it is also appended to $GITHUB_STEP_SUMMARY when "
        "that is set",
        None,
        metavar="FILE",
    ),
    Option(
        "require-coverage",
        "fail the run (exit 1) when a rule of a collected contract was reached by no case "
        "and no probe",
        False,
        _boolean,
        switch=True,
    ),
    Option(
        "models",
        "live: spend the paid creates on these models only (comma-separated values of the "
        "body's model field: the models your app calls); free probes still cover every "
        "model, they cost nothing",
        (),
        _paths,
        metavar="MODELS",
    ),
    Option(
        "reserve",
        "live: paid creates of the budget kept for free probes the provider may accept (each "
        "accept is charged); the last creates are sent after the free probes with what is "
        "left (default: one per 6 of the budget, at least 1)",
        None,
        _non_negative_int,
        metavar="N",
    ),
)

SETTINGS_FIELDS = {o.dest for o in OPTIONS}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("foxcontract", "foxcontract: FoxAPI contract testing")
    for o in OPTIONS:
        if o.switch:
            group.addoption(
                o.flag, dest=o.dest, default=None, action="store_const", const="true",
                help=f"{o.help} [ini: {o.dest} = true]",
            )  # fmt: skip
            parser.addini(o.dest, help=o.help, default=None)
            continue
        group.addoption(
            o.flag,
            dest=o.dest,
            default=None,
            choices=o.choices,
            metavar=o.metavar,
            help=f"{o.help} [ini: {o.dest}]",
        )
        parser.addini(o.dest, help=o.help, default=None)


def refuse_secret_arguments(args: list[str]) -> None:
    """A usage error, before pytest parses (and echoes) the command line, when an argument
    is the API key: the value of ``FOXAPI_API_KEY``, or a whole key-like value (``sk-...``,
    alone or after ``--option=``). The error never repeats it."""
    from foxcontract.redact import KEY_PATTERN

    key = os.environ.get("FOXAPI_API_KEY", "").strip()
    previous = ""
    for arg in args:
        option, equals, value = arg.partition("=") if arg.startswith("-") else ("", "", arg)
        if (key and len(key) >= 4 and key in arg) or KEY_PATTERN.fullmatch(value):
            if equals:
                where = f"the value of {option}"
            elif previous.startswith("-") and "=" not in previous:
                where = f"the argument after {previous}"
            else:
                where = "an argument"
            raise pytest.UsageError(
                f"{where} on the command line holds an API key; foxcontract reads the key only "
                "from the environment variable FOXAPI_API_KEY: remove it from the command line "
                "(and from your shell history), set FOXAPI_API_KEY instead"
            )
        previous = arg


def resolve(config: pytest.Config) -> RunSettings:
    """Resolve every option; a bad value is a ``pytest.UsageError`` naming the option."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for o in OPTIONS:
        raw = config.getoption(o.dest)
        origin = o.flag
        if raw is None and o.env and os.environ.get(o.env):
            raw, origin = os.environ[o.env], o.env
        if raw is None:
            raw, origin = config.getini(o.dest), f"ini {o.dest}"
        if raw is None or raw == "":
            values[o.name.replace("-", "_")] = o.default
            continue
        try:
            if o.choices is not None and raw not in o.choices:
                raise ValueError(f"choose from {', '.join(o.choices)}")
            values[o.name.replace("-", "_")] = o.convert(raw)
            origins[o.name] = origin
        except ValueError as exc:
            shown = f" {raw!r}" if o.echo else ""
            raise pytest.UsageError(f"{origin}: invalid value{shown}: {exc}") from None
    if not (config.getoption("help", False) or config.getoption("version", False)):
        _check_contract_paths(config, values["contracts"], origins.get("contracts", ""))
    values["mode"] = Mode(values["mode"])
    values["record_mode"] = _record_mode(values["mode"], values["record_mode"])
    return RunSettings(**values)


def _check_contract_paths(config: pytest.Config, paths: tuple[str, ...], origin: str) -> None:
    """A usage error, before anything is collected, when a path of ``--fox-contracts`` (or
    the ini ``fox_contracts``) names nothing: every test that follows the contracts would
    otherwise fail the same way."""
    for given in paths:
        path = config.rootpath / given
        if not path.exists():
            raise pytest.UsageError(
                f"{origin}: no such file or folder: {path} (relative paths are read from the "
                f"project's root, {config.rootpath}); name an existing contract file or folder, "
                "or run foxcontract init to copy the contracts into contracts/"
            )


def _record_mode(mode: Mode, given: str | None) -> RecordMode:
    """``none`` in replay mode, ``all`` unless told otherwise in record mode; ``new`` or
    ``all`` outside record mode is a usage error (they send paid requests)."""
    if mode is Mode.RECORD:
        return RecordMode(given or RecordMode.ALL)
    if given in (None, RecordMode.NONE):
        return RecordMode.NONE
    raise pytest.UsageError(
        f"--fox-record-mode {given} sends requests and records them: add --fox-mode record "
        "(it needs FOXAPI_API_KEY, and --fox-budget for paid creates)"
    )
