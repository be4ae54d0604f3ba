"""foxcontract: declarative contract testing for the FoxAPI video-generation API."""

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
