"""Cassettes: recorded interactions in a documented, diffable YAML format (see ``model``)."""

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
    "from_examples",
    "is_cassette",
    "key_line",
    "load_cassette",
    "write_cassette",
]
