"""Write the lowest version of every dependency that pyproject.toml allows, as ``name==floor``
lines of a pip requirements file (the floor of each ``>=``). Used by ``tox -e lowest``.

Run: ``python tests/lowest_floors.py OUT.txt`` (no argument: print them).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_FLOOR = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*[^;]*?>=\s*([^,;\s]+)")


def floors(pyproject: Path = PYPROJECT) -> list[str]:
    """``name==floor`` for each runtime dependency; one without a ``>=`` floor is an error."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    out: list[str] = []
    for spec in project["dependencies"]:
        match = _FLOOR.match(spec)
        if match is None:
            raise SystemExit(f"{pyproject}: dependency {spec!r} has no >= floor")
        out.append(f"{match.group(1)}=={match.group(2)}")
    return out


def main(argv: list[str]) -> int:
    text = "".join(f"{line}\n" for line in floors())
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
