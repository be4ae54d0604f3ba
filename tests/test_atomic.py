"""Writing a file whole: the old file or the new one, never a part, and no stray temp file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from foxcontract._atomic import write_atomic


def test_a_new_file_gets_the_mode_a_plain_write_gives(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    target = tmp_path / "new.txt"
    write_atomic(target, "a\nb\n")
    assert target.read_bytes() == b"a\nb\n"
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old")
    os.chmod(target, 0o600)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_replace_leaves_the_old_content_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    target.mkdir()
    (target / "inside.txt").write_text("kept")
    with pytest.raises(IsADirectoryError):
        write_atomic(target, "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder"]
    assert (target / "inside.txt").read_text() == "kept"


def test_text_is_written_as_utf8_with_newline_line_ends(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    write_atomic(target, "狐\r\nfox\n")
    assert target.read_bytes() == "狐\r\nfox\n".encode()
