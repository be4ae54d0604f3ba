"""Cassettes: recorded interactions in a documented, diffable YAML format (see ``model``),
and the cassette folder's store (``folder_lock``, ``write_unit``, ``recover``: files written
as one unit, a crashed write rolled back)."""

from foxcontract.cassette._store import folder_lock, recover, write_unit
from foxcontract.cassette.load import CassetteError, is_cassette, key_line, load_cassette
from foxcontract.cassette.model import FORMAT, SOURCES, Cassette, Interaction
from foxcontract.cassette.write import dump_cassette, from_examples, write_cassette

__all__ = [
    "FORMAT",
    "SOURCES",
    "Cassette",
    "CassetteError",
    "Interaction",
    "dump_cassette",
    "folder_lock",
    "from_examples",
    "is_cassette",
    "key_line",
    "load_cassette",
    "recover",
    "write_cassette",
    "write_unit",
]
