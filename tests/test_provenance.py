"""Provenance in the contract format: every fact is documented (a page and its words) or
assumed (a stance, and why); the shipped contracts say which, honestly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers.shipped import CONTRACTS, SHIPPED, edited, error_of, line_of, write

from foxcontract import load_contract
from foxcontract.contract import MISSING, default_contract

# API.md section 4: the stances the contract takes where the docs are silent
ASSUMED_RULES = {
    "model.required",  # stance 10
    "prompt.minLength",  # stance 5
    "prompt.pattern",  # stance 5
    "image_url.pattern",  # stance 4
    "safety-tolerance-standard-fast-only",  # stance 1
    "enhance-prompt-standard-only",
    "person-generation-standard-only",
    # FAMILY.md: stance 4 for every URL, stance 1 for each mode's standard-only options
    "first_image_url.pattern",
    "last_image_url.pattern",
    "video_url.pattern",
    "reference_image_urls.items",
    "reference_type.type",  # the page lists the values, not the type
    "flf-safety-tolerance-standard-fast-only",
    "flf-enhance-prompt-standard-only",
    "flf-person-generation-standard-only",  # a [gap]: which models take it
    "reference-enhance-prompt-standard-only",
    "reference-person-generation-standard-only",
    "reference-type-standard-only",
    # stance 12: a field of another mode is refused (extend's duration and resolution are
    # documented as "not fields of this mode")
    *(
        f"{mode}.no-{name}"
        for mode, names in {
            "image-to-video": (
                "first_image_url", "last_image_url", "reference_image_urls", "video_url",
                "reference_type",
            ),
            "first-last-frame": (
                "image_url", "reference_image_urls", "video_url", "reference_type",
            ),
            "reference-to-video": (
                "image_url", "first_image_url", "last_image_url", "video_url",
                "negative_prompt", "seed",
            ),
            "extend": (
                "image_url", "first_image_url", "last_image_url", "reference_image_urls",
                "enhance_prompt", "person_generation", "reference_type",
            ),
        }.items()
        for name in names
    ),
}  # fmt: skip


def test_every_shipped_fact_has_its_provenance() -> None:
    for path in sorted(CONTRACTS.glob("*.yaml")):
        if "kind: endpoint" not in path.read_text():
            continue
        c = load_contract(path)
        missing = [r.id for r in c.rules if not (r.provenance.given and r.answer.given)]
        missing += [f"setting {k}" for k in ("null_means_absent", "integral_floats")
                    if c.has_body and not c.settings.provenance_of(k).given]  # fmt: skip
        missing += [
            f"{status} {key}"
            for status, spec in c.responses.items()
            for key in ("schema", "content_type")
            if not spec.provenance_of(key).given
        ]
        missing += [k.name for k in c.error_kinds.values() if not k.provenance.given]
        assert missing == [], path.name


def test_the_stances_are_assumed_and_the_rest_documented() -> None:
    c = default_contract()
    assumed = {r.id for r in c.rules if not r.provenance.documented}
    assert assumed == ASSUMED_RULES
    body_type = c.rule("body.type")
    assert body_type.provenance.documented  # the page: "Body application/json"
    assert not body_type.answer.documented  # 422 rather than 400: stance 6
    assert body_type.answer.describe() == (
        "assumed: stance 6: 400 is for malformed JSON, 422 for a bad value; a JSON value that "
        "is not an object could be either: the contract expects 422"
    )
    lite = c.rule("lite-no-4k")
    assert lite.provenance.describe() == (
        'documented: Veo 3.1 image-to-video: "veo-3.1-lite-image-to-video only supports '
        '720p / 1080p"'
    )
    assert lite.answer.documented  # the error page: 422 for a bad value
    stance1 = c.rule("enhance-prompt-standard-only")
    assert not stance1.answer.documented
    assert not c.settings.provenance_of("null_means_absent").documented
    assert c.settings.provenance_of("field_violation").documented
    assert c.responses["200"].content_type == "application/json"
    assert c.error_content_type == "application/json"


def _copies() -> Path | None:
    """The folder holding the documentation copies the sources name (``copy:``)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "foxapi" / "seed-page.txt").is_file():
            return parent
    return None


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(_copies() is None, reason="the documentation copies are not beside the repo")
def test_every_documented_quote_is_on_its_page() -> None:
    root = _copies()
    assert root is not None
    quotes = []
    for path in sorted(CONTRACTS.glob("*.yaml")):
        if "kind: endpoint" not in path.read_text():
            continue
        c = load_contract(path)
        entries = [p for r in c.rules for p in (r.provenance, r.answer)]
        entries += [p for f in c.fields for p in f.provenance.values()]
        entries += [v.provenance for f in c.fields for v in f.family_values]
        entries += [p for v in c.variants for p in v.provenance.values()]
        entries += list(c.settings.provenance.values())
        entries += [p for s in c.responses.values() for p in s.provenance.values()]
        entries += [k.provenance for k in c.error_kinds.values()]
        entries += list(c.error_provenance.values())
        entries += list(c.provider.provenance.values())
        entries += list(c.task.provenance.values()) if c.task is not None else []
        for p in entries:
            if p.documented and p.source is not None:
                page = _words((root / p.source.copy).read_text(encoding="utf-8"))
                quotes.append((p.quote, _words(p.quote) in page))
    assert len(quotes) > 60
    assert [q for q, found in quotes if not found] == []


def test_a_fact_without_provenance_is_assumed(tmp_path: Path) -> None:
    quote = "veo-3.1-lite-image-to-video only supports 720p / 1080p"
    old = f'    provenance: {{documented: seed, quote: "{quote}"}}\n'
    c = load_contract(write(tmp_path, edited(old, "")))
    rule = c.rule("lite-no-4k")
    assert not rule.provenance.documented
    assert not rule.provenance.given
    assert rule.provenance.describe() == "assumed: no provenance given in the contract"
    old = '          minimum: {documented: seed, quote: "Required range: 1 <= x <= 6"}\n'
    c = load_contract(write(tmp_path, edited(old, "")))
    assert c.rule("safety_tolerance.minimum").provenance.describe() == (
        "assumed: no provenance given in the contract"
    )
    assert c.rule("safety_tolerance.maximum").provenance.documented


def test_an_unknown_source_is_an_error_at_its_line(tmp_path: Path) -> None:
    entry = '{documented: seed, quote: "seed integer | null"}'
    path = write(tmp_path, edited(f"type: {entry}", f"type: {entry.replace('seed,', 'sead,')}"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'documented: sead')}: unknown source 'sead' (did you mean "
        "'seed'?); this file's sources: seed, errors-page, docs-summary, family (add it under "
        "sources:)"
    )


def test_provenance_of_a_keyword_the_field_lacks_is_an_error(tmp_path: Path) -> None:
    entry = '{documented: seed, quote: "seed integer | null"}'
    path = write(tmp_path, edited(f"          type: {entry}", f"          tpye: {entry}"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'tpye:')}: provenance for 'tpye', which field 'seed' does "
        "not have (did you mean 'type'?); it can vouch for: type"
    )


def test_an_entry_is_documented_with_a_quote_or_assumed(tmp_path: Path) -> None:
    path = write(tmp_path, edited('type: {documented: seed, quote: "seed integer | null"}',
                                  'type: {documented: seed}'))  # fmt: skip
    line = line_of(path, "type: {documented: seed}")
    assert error_of(path) == (
        f"{path}:{line}: request.body.properties.seed.provenance.type: {{'documented': 'seed'}}"
        " is not valid here; expected {documented: <source id>, quote: <the page's words>} or "
        "{assumed: <why>}, each with an optional expect: <the same, for the answer>"
    )


def test_family_values_must_be_refused_and_carry_provenance(tmp_path: Path) -> None:
    old = (
        '          - {value: 2160p, documented: family, quote: "lists the resolution `2160p / 4k`"}'
    )
    path = write(tmp_path, edited(old, '          - {value: 4k, assumed: "x"}'))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'value: 4k')}: family value '4k' of 'resolution' is allowed by "
        "its enum; a family value is one this field must refuse"
    )
    path = write(tmp_path, edited(old, "          - {value: 2160p}"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'value: 2160p')}: family value '2160p' of 'resolution' needs "
        "its provenance: documented: <source id> with quote: <the page's words>, or assumed: "
        "<why>"
    )
    families = default_contract().field("resolution").family_values
    assert [v.value for v in families] == ["2160p"]


def test_family_names_carry_provenance_and_are_not_the_field_itself(tmp_path: Path) -> None:
    old = (
        '          - {name: video, documented: family, quote: "an older extend page names the '
        'input `video` instead of `video_url`"}'
    )
    path = write(tmp_path, edited(old, "          - {name: video}"))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'name: video}')}: family name 'video' of 'video_url' needs its "
        "provenance: documented: <source id> with quote: <the page's words>, or assumed: <why>"
    )
    path = write(tmp_path, edited(old, '          - {name: video_url, assumed: "x"}'))
    assert error_of(path) == (
        f"{path}:{line_of(path, 'name: video_url,')}: family name 'video_url' of 'video_url' "
        "is the field's own name; a family name is what the field is called elsewhere in the "
        "API family"
    )
    path = write(tmp_path, edited(old, '          - {nam: video, assumed: "x"}'))
    assert error_of(path).startswith(f"{path}:{line_of(path, 'nam: video')}: ")
    names = default_contract().field("video_url").family_names
    assert [(n.name, n.value, n.provenance.documented) for n in names] == [("video", MISSING, True)]


def test_settings_answers_name_a_field_rule_and_an_error_kind(tmp_path: Path) -> None:
    setting = "  null_means_absent: true\n"
    text = edited(setting, setting + "  answers: {body.type: malformed_request}\n")
    c = load_contract(write(tmp_path, text))
    assert c.error_for("body.type").status == 400
    assert c.error_for("prompt.pattern").status == 422
    text = edited(setting, setting + "  answers: {body.typ: malformed_requst}\n")
    path = write(tmp_path, text)
    line = line_of(path, "answers:")
    assert error_of(path) == "\n".join(
        [
            f"{path}:{line}: settings.answers: 'body.typ' is not a field rule (did you mean "
            "'body.type'?) (a rule of rules: names its own expect)",
            f"{path}:{line}: settings.answers: unknown error kind 'malformed_requst' (did you "
            "mean 'malformed_request'?); the errors file defines: malformed_request, "
            "authentication, insufficient_quota, not_found, validation, "
            "unsupported_advanced_options, rate_limit, server, unavailable",
        ]
    )


def test_provenance_stays_out_of_the_json_schema_of_a_field() -> None:
    c = default_contract()
    assert "provenance" not in c.field("prompt").schema
    assert "family_values" not in c.field("model").schema
    assert c.body_schema is not None
    assert "provenance" not in c.body_schema
    assert SHIPPED.count("provenance:") > 20
