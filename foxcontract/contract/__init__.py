"""Contract files: loading, validation with ``file:line`` errors, and the typed model."""

from foxcontract.contract._paths import get_path, set_path
from foxcontract.contract._provenance import schema_fact
from foxcontract.contract._template import fill_path, match_path, path_params, strip_prefix
from foxcontract.contract.errors import ContractError, Problem
from foxcontract.contract.loader import (
    default_contract,
    load_contract,
    load_contracts,
    shipped_contracts_dir,
)
from foxcontract.contract.model import (
    MISSING,
    Condition,
    Contract,
    ErrorKind,
    Example,
    Field,
    Lifecycle,
    ResponseSpec,
    Rule,
    Settings,
)

__all__ = [
    "MISSING",
    "Condition",
    "Contract",
    "ContractError",
    "ErrorKind",
    "Example",
    "Field",
    "Lifecycle",
    "Problem",
    "ResponseSpec",
    "Rule",
    "Settings",
    "default_contract",
    "fill_path",
    "get_path",
    "load_contract",
    "load_contracts",
    "match_path",
    "path_params",
    "schema_fact",
    "set_path",
    "shipped_contracts_dir",
    "strip_prefix",
]
