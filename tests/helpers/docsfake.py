"""The independent docs-only fake of ``benchmarks/docsfake`` (it shares no code with
``foxcontract.fake``), served for one block: ``with docs_only_fake(KEY, fault) as running``
(``running.base_url``, ``running.fake.creates``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "benchmarks"


@contextmanager
def docs_only_fake(key: str, fault: str | None = None) -> Iterator[Any]:
    """The docs-only fake accepting ``key``, faithful or with the named ``fault``, on
    127.0.0.1 until the block ends."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from docsfake.server import serve
    finally:
        sys.path.remove(str(BENCHMARKS))
    with serve(key, fault) as running:
        yield running
