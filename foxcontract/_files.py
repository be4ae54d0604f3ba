"""Which files are foxcontract's: the one test, used by collection, replay and the commands.

A file is ours only when it says so, so a project's other YAML files are left to other
plugins:

- a **contract** (an endpoint contract or an errors file) has the top-level line
  ``foxcontract: 1``;
- a **cassette** has the top-level line ``cassette: 1`` and a top-level ``interactions:`` key,
  or starts with the header the cassette writer writes (so a cassette cut short is reported,
  never passed over);
- either one is a single YAML document: a file of several documents (``---`` after the
  first one's content, as Tavern test files are) is never ours.

The test reads the text only (no YAML parse, nothing imported), so a run that holds no
foxcontract file pays almost nothing for it. A file that passes it and is broken in any
other way is ours to report, with ``file:line``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

__all__ = [
    "SUFFIXES",
    "Kind",
    "file_kind",
    "is_cassette",
    "is_contract",
    "kind_of_text",
    "yaml_files",
]

SUFFIXES = (".yaml", ".yml")
"""The suffixes of contract and cassette files."""

Kind = Literal["contract", "cassette"]

_CONTRACT = re.compile(r"^foxcontract[ \t]*:[ \t]*1[ \t]*(#.*)?$", re.MULTILINE)
_CASSETTE = re.compile(r"^cassette[ \t]*:[ \t]*1[ \t]*(#.*)?$", re.MULTILINE)
_INTERACTIONS = re.compile(r"^interactions[ \t]*:", re.MULTILINE)
_SEPARATOR = re.compile(r"^---([ \t]|$)")
_HEADER = "# foxcontract cassette:"  # the first line of foxcontract.cassette.write.HEADER
# the most of a file the test reads (the size limit of a cassette, the larger kind): a larger
# file is not read whole, and is reported as too large when it is ours
_MOST = 8_000_000


def _single_document(text: str) -> bool:
    """Whether ``text`` holds at most one YAML document (a leading ``---`` is allowed)."""
    content = False
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            if content:
                return False
            continue
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            content = True
    return True


def kind_of_text(text: str) -> Kind | None:
    """The kind of foxcontract file ``text`` is, or ``None`` when it is not ours."""
    if _CONTRACT.search(text):
        kind: Kind = "contract"
    elif text.startswith(_HEADER) or (_CASSETTE.search(text) and _INTERACTIONS.search(text)):
        kind = "cassette"
    else:
        return None
    return kind if _single_document(text) else None


def file_kind(path: Path) -> Kind | None:
    """The kind of foxcontract file ``path`` is, or ``None`` (not YAML, unreadable, not
    ours). A file that is not UTF-8 is judged by its text all the same (its reading reports
    the bytes, at their line)."""
    if path.suffix not in SUFFIXES:
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(_MOST + 1)
    except OSError:
        return None
    # bytes that are not UTF-8 do not hide a file that says it is ours: reading it reports them
    text = head.decode("utf-8", errors="replace")
    return kind_of_text(text)


def is_contract(path: Path) -> bool:
    """Whether ``path`` is a contract or errors file (see the module docstring)."""
    return file_kind(path) == "contract"


def is_cassette(path: Path) -> bool:
    """Whether ``path`` is a cassette file (see the module docstring)."""
    return file_kind(path) == "cassette"


def yaml_files(folder: Path) -> list[Path]:
    """The ``*.yaml`` and ``*.yml`` files directly in ``folder``, sorted by name (none for a
    folder that does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
