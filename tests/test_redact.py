"""Secrets never reach written files: redaction, the leak scan and atomic writes."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from foxcontract.redact import (
    PLACEHOLDER,
    Secret,
    SecretLeakError,
    find_secrets,
    redact,
    redact_headers,
    redact_text,
    write_text_safely,
)


def test_headers_keep_the_scheme_and_lose_the_credential() -> None:
    headers = {
        "Authorization": "Bearer sk-abcdef123456",
        "X-Trace": "id sk-abcdef123456",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers) == {
        "authorization": f"Bearer {PLACEHOLDER}",
        "x-trace": f"id {PLACEHOLDER}",
        "content-type": "application/json",
    }


def test_key_like_values_and_given_secrets_are_replaced_everywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FOXAPI_API_KEY", "plainsecret99")
    value = {"a": ["sk-live_0123456789", {"sk-keyasname1": "x plainsecret99 y"}], "n": 3}
    assert redact(value, ["other-secret"]) == {
        "a": [PLACEHOLDER, {PLACEHOLDER: f"x {PLACEHOLDER} y"}],
        "n": 3,
    }
    assert redact_text("an sk-ok? no: sk-", []) == "an sk-ok? no: sk-"
    assert redact_text("task-unified-1757165031-uyujaw3d") == "task-unified-1757165031-uyujaw3d"


def test_the_scan_names_lines_never_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
    found = find_secrets("ok\nkey: sk-abcdef123456\nmine: hunter22", ["hunter22"])
    assert found == ["line 2: a key-like value (sk-...)", "line 3: the API key"]


def test_a_leaking_write_is_refused_and_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("old\n")
    with pytest.raises(SecretLeakError) as info:
        write_text_safely(target, "token: sk-abcdef123456\n")
    assert (
        str(info.value)
        == f"{target}: refusing to write a secret (line 1: a key-like value (sk-...))"
    )
    assert "sk-abcdef123456" not in str(info.value)
    assert target.read_text() == "old\n"
    write_text_safely(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


def test_a_secret_is_caught_escaped_and_encoded_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FOXAPI_API_KEY", raising=False)
    key = Secret("plain+secret-99")
    written = [
        "plain+secret-99",
        "plain+secret\\u002d99",  # JSON-escaped
        "\\u0070lain+secret\\u002D99",  # hex in upper case too
        "plain%2bsecret%2D99",  # percent-encoded
    ]
    assert [redact_text(f"<{w}>", [key]) for w in written] == [f"<{PLACEHOLDER}>"] * 4
    assert redact_text("sk\\u002dabcdef123456 and sk%2Dabc\\u002ddef99") == (
        f"{PLACEHOLDER} and {PLACEHOLDER}"
    )
    assert find_secrets("ok\nplain+secret\\u002d99", [key]) == ["line 2: the API key"]
    assert repr(key) == str(key) == "Secret([redacted])"
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_headers_are_redacted_in_names_and_repeated_values() -> None:
    key = Secret("sk-abcdef123456")
    headers = [("X-Echo", "a"), ("X-Echo", "b sk-abcdef123456"), ("X-sk-abcdef123456", "1")]
    assert redact_headers(headers, [key]) == {
        "x-echo": f"a, b {PLACEHOLDER}",
        f"x-{PLACEHOLDER}": "1",
    }
