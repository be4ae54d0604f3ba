"""foxcontract: declarative contract testing for the FoxAPI video-generation API.

The names below are imported on first use, so that loading the pytest plugin (which
imports this package) stays cheap for runs that hold no contract.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foxcontract.contract import Contract, ContractError, default_contract, load_contract
    from foxcontract.oracle import Violation, check, expected_error

__all__ = [
    "Contract",
    "ContractError",
    "Violation",
    "check",
    "default_contract",
    "expected_error",
    "load_contract",
]
__version__ = "0.1.0"

_HOMES = {
    "Contract": "foxcontract.contract",
    "ContractError": "foxcontract.contract",
    "default_contract": "foxcontract.contract",
    "load_contract": "foxcontract.contract",
    "Violation": "foxcontract.oracle",
    "check": "foxcontract.oracle",
    "expected_error": "foxcontract.oracle",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'foxcontract' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
