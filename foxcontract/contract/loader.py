"""Loading contract files: parse, validate against the shipped schema, check meaning, build."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from foxcontract.contract._provenance import Provenances, answer_of, read_provenances
from foxcontract.contract.errors import ContractError, Problem, did_you_mean
from foxcontract.contract.meaning import meaning_problems, no_field_rule, variant_fields
from foxcontract.contract.metaschema import schema_problems
from foxcontract.contract.model import (
    FIELD_KEYWORDS,
    UNSTATED,
    Condition,
    Contract,
    ErrorKind,
    Example,
    Field,
    Lifecycle,
    ResponseSpec,
    Rule,
    Settings,
    Variant,
)
from foxcontract.contract.provider import provider_problems, with_provider
from foxcontract.contract.schemas import embedded_problems, outside_reason, resolve_refs
from foxcontract.contract.source import Source, read_source

__all__ = [
    "check_errors_file",
    "default_contract",
    "load_contract",
    "load_contracts",
    "load_source",
    "shipped_contracts_dir",
]

DEFAULT_CONTRACT = "videos-generations.yaml"


def shipped_contracts_dir() -> Path:
    """The folder of the contracts shipped with foxcontract (the FoxAPI endpoints)."""
    shipped = Path(str(resources.files("foxcontract"))) / "_shipped"
    if shipped.is_dir():
        return shipped
    # a source checkout (editable install): the project's own contracts/ folder
    return Path(__file__).resolve().parents[2] / "contracts"


@cache
def default_contract() -> Contract:
    """The shipped ``POST /v1/videos/generations`` contract."""
    return load_contract(shipped_contracts_dir() / DEFAULT_CONTRACT)


def load_contract(path: str | Path) -> Contract:
    """Load and validate one endpoint contract file; raises :class:`ContractError`."""
    return load_source(read_source(Path(path)))


def load_source(source: Source) -> Contract:
    """:func:`load_contract` of a file already parsed (each file is parsed once)."""
    path = source.path
    _raise_if(schema_problems(source))
    if source.data.get("kind") != "endpoint":
        raise ContractError.at(
            path, source.line(["kind"]), "this is an errors file, not an endpoint contract"
        )
    source = resolve_refs(source)
    errors_source = _errors_source(source)
    _raise_if(meaning_problems(source, errors_source.data) + embedded_problems(source))
    provenances, problems = read_provenances(source, errors_source, FIELD_KEYWORDS)
    _raise_if(problems + _answers_problems(source, errors_source))
    return with_provider(_build(source, errors_source, provenances), source, errors_source)


def check_errors_file(source: Source) -> Source:
    """An errors file checked as a contract's errors are (its schema's ``$ref`` resolved);
    raises :class:`ContractError`."""
    _raise_if(schema_problems(source))
    source = resolve_refs(source)
    _raise_if(embedded_problems(source) + provider_problems(source))
    return source


def load_contracts(paths: list[Path]) -> Iterator[Contract]:
    """Each endpoint contract among ``paths`` (errors files are read through them)."""
    for path in paths:
        source = read_source(path)
        if source.data.get("kind") == "endpoint":
            yield load_source(source)


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ContractError(problems)


def _errors_source(source: Source) -> Source:
    name = source.data["errors"]
    refused = outside_reason(source.path.parent, name, source.path.parent)
    if refused is not None:
        raise ContractError.at(
            source.path, source.line(["errors"]), f"errors file {name!r} is not allowed: {refused}"
        )
    target = source.path.parent / name
    if not target.is_file():
        raise ContractError.at(
            source.path,
            source.line(["errors"]),
            f"errors file {source.data['errors']!r} not found next to this contract ({target})",
        )
    errors = read_source(target)
    _raise_if(schema_problems(errors))
    if errors.data.get("kind") != "errors":
        raise ContractError.at(
            source.path,
            source.line(["errors"]),
            f"{source.data['errors']!r} is not an errors file: its kind is "
            f"{errors.data.get('kind')!r}, not 'errors'",
        )
    return check_errors_file(errors)


def _condition(spec: Any) -> Condition:
    if spec in ("absent", "present"):
        return Condition(spec)
    if isinstance(spec, dict):
        ((op, values),) = spec.items()
        return Condition(op, tuple(values))
    return Condition("eq", (spec,))


# keys of a field or of the body that are not JSON Schema: read by the loader, then dropped
_NOT_SCHEMA = ("provenance", "family_values", "family_names", "discriminator", "variants")


def _schema_only(schema: Any) -> Any:
    return {k: v for k, v in schema.items() if k not in _NOT_SCHEMA}


def _answers_problems(source: Source, errors: Source) -> list[Problem]:
    """``settings.answers`` names field rules (``prompt.pattern``) and error kinds."""
    answers = (source.data.get("settings") or {}).get("answers") or {}
    body = source.data["request"].get("body") or {"properties": {}}
    derived = {"body.type", "body.additionalProperties"}
    for name, schema in body["properties"].items():
        derived |= {f"{name}.{k}" for k in (*FIELD_KEYWORDS, "required") if k in schema}
        if name in body.get("required", []):
            derived.add(f"{name}.required")
    kinds = errors.data["errors"]
    out = []
    for rule_id, kind in answers.items():
        at = source.line(["settings", "answers", rule_id])
        if rule_id not in derived:
            out.append(
                Problem(
                    source.path,
                    at,
                    f"settings.answers: {rule_id!r} is not a field rule"
                    f"{did_you_mean(rule_id, derived)} (a rule of rules: names its own expect)",
                )
            )
        if kind not in kinds:
            out.append(
                Problem(
                    source.path,
                    at,
                    f"settings.answers: unknown error kind {kind!r}{did_you_mean(kind, kinds)}; "
                    f"the errors file defines: {', '.join(kinds)}",
                )
            )
    return out


def _field_rules(
    source: Source, fields: tuple[Field, ...], settings: Settings, prov: Provenances
) -> list[Rule]:
    def rule(rid: str, field: str, line: int, doc: str, keyword: str, entry: Any) -> Rule:
        expect = settings.answers.get(rid, settings.field_violation)
        answer = answer_of(entry, expect, settings)
        return Rule(rid, field, expect, line, doc, keyword, provenance=entry, answer=answer)

    body_line = source.line(["request", "body"])
    body_type = prov.body.get("type", UNSTATED)
    rules = [
        rule("body.type", "body", body_line, "the body must be a JSON object", "type", body_type)
    ]
    required = list(source.data["request"]["body"].get("required", []))
    for f in fields:
        if f.required:
            line = source.line(["request", "body", "required", required.index(f.name)])
            entry = f.provenance_of("required")
            rules.append(rule(f"{f.name}.required", f.name, line, "required", "required", entry))
        for kw in FIELD_KEYWORDS:
            if kw in f.schema:
                line = source.line(["request", "body", "properties", f.name, kw])
                entry = f.provenance_of(kw)
                rules.append(rule(f"{f.name}.{kw}", f.name, line, f"{kw} of {f.name}", kw, entry))
    return rules


def _variants(source: Source, prov: Provenances) -> tuple[Variant, ...]:
    body = source.data["request"].get("body") or {}
    at = ["request", "body", "variants"]
    return tuple(
        Variant(
            name=spec["name"],
            values=tuple(spec["values"]),
            fields=frozenset(variant_fields(body, spec)),
            required=tuple(
                n for n in spec.get("required", []) if n not in body.get("required", [])
            ),
            defaults=dict(spec.get("defaults") or {}),
            line=source.line([*at, i]),
            doc=spec.get("doc", ""),
            provenance=prov.variants.get(i, {}),
        )
        for i, spec in enumerate(body.get("variants") or [])
    )


def _variant_rules(
    source: Source,
    contract_fields: tuple[Field, ...],
    variants: tuple[Variant, ...],
    discriminator: str,
    settings: Settings,
) -> list[Rule]:
    """The rules a body's variant makes: each field it requires (``<field>.required``,
    once for all the variants requiring it), and each field it does not take
    (``<variant>.no-<field>``), in body order."""
    at = ["request", "body", "variants"]
    spec_of = source.data["request"]["body"]["variants"]
    rules: list[Rule] = []
    for f in contract_fields:
        requiring = [(i, v) for i, v in enumerate(variants) if f.name in v.required]
        if not requiring:
            continue
        values = tuple(x for _, v in requiring for x in v.values)
        entries = [v.provenance_of(f"required.{f.name}") for _, v in requiring]
        entry = next((e for e in entries if not e.documented), entries[0])
        i, _first = requiring[0]
        line = source.line([*at, i, "required", spec_of[i]["required"].index(f.name)])
        names = ", ".join(v.name for _, v in requiring)
        expect = settings.field_violation
        rules.append(
            Rule(
                f"{f.name}.required",
                f.name,
                expect,
                line,
                f"required for {names}",
                when={discriminator: Condition("in", values)},
                then=Condition("present"),
                provenance=entry,
                answer=answer_of(entry, expect, settings),
                shape=True,
            )
        )
    for i, v in enumerate(variants):
        expect = spec_of[i].get("expect", settings.field_violation)
        for f in contract_fields:
            if f.name in v.fields:
                continue
            entry = v.provenance_of(f"fields.{f.name}")
            rules.append(
                Rule(
                    no_field_rule(v.name, f.name),
                    f.name,
                    expect,
                    v.line,
                    f"{f.name} is not a field of {v.name}",
                    when={discriminator: Condition("in", v.values)},
                    then=Condition("absent"),
                    provenance=entry,
                    answer=answer_of(entry, expect, settings),
                    shape=True,
                )
            )
    return rules


def _build(source: Source, errors_source: Source, prov: Provenances) -> Contract:
    d = source.data
    given = {k: v for k, v in (d.get("settings") or {}).items() if k != "provenance"}
    settings = Settings(**given, provenance=prov.settings)
    request = d["request"]
    raw_body = request.get("body")
    body = None
    fields: tuple[Field, ...] = ()
    rules: list[Rule] = []
    if raw_body is not None:
        body = _schema_only(raw_body)
        body["properties"] = {n: _schema_only(s) for n, s in raw_body["properties"].items()}
        required = set(body.get("required", []))
        fields = tuple(
            Field(
                name,
                schema,
                name in required,
                source.line(["request", "body", "properties", name]),
                provenance=prov.fields.get(name, {}),
                family_values=prov.family.get(name, ()),
                family_names=prov.names.get(name, ()),
            )
            for name, schema in body["properties"].items()
        )
        rules = _field_rules(source, fields, settings, prov)
        if body.get("additionalProperties", True) is False:
            line = source.line(["request", "body", "additionalProperties"])
            rid = "body.additionalProperties"
            expect = settings.answers.get(rid, settings.field_violation)
            entry = prov.body.get("additionalProperties", UNSTATED)
            rules.append(
                Rule(
                    rid,
                    "body",
                    expect,
                    line,
                    "unknown fields are rejected",
                    "additionalProperties",
                    provenance=entry,
                    answer=answer_of(entry, expect, settings),
                )
            )
    variants = _variants(source, prov)
    discriminator = raw_body.get("discriminator") if raw_body is not None else None
    if variants and discriminator is not None:
        rules += _variant_rules(source, fields, variants, discriminator, settings)
    for i, r in enumerate(d.get("rules", [])):
        ((then_field, then_spec),) = r["then"].items()
        entry = prov.rules.get(i, UNSTATED)
        expect = r.get("expect", settings.field_violation)
        rules.append(
            Rule(
                id=r["id"],
                field=then_field,
                expect=expect,
                line=source.line(["rules", i]),
                doc=r.get("doc", ""),
                when={k: _condition(v) for k, v in r.get("when", {}).items()},
                then=_condition(then_spec),
                provenance=entry,
                answer=answer_of(entry, expect, settings),
            )
        )
    responses = {
        status: ResponseSpec(
            status,
            spec["schema"],
            tuple(spec.get("volatile", [])),
            source.line(["responses", status]),
            content_type=spec.get("content_type"),
            headers={n.lower(): dict(h) for n, h in (spec.get("headers") or {}).items()},
            provenance=prov.responses.get(status, {}),
        )
        for status, spec in d["responses"].items()
        if status != "errors"
    }
    kinds = {
        name: ErrorKind(
            name=name,
            **{k: v for k, v in spec.items() if k != "provenance"},
            provenance=prov.kinds.get(name, UNSTATED),
        )
        for name, spec in errors_source.data["errors"].items()
    }
    examples = tuple(
        Example(
            name=e["name"],
            doc=e.get("doc", ""),
            body=e["request"].get("body"),
            params=e["request"].get("params", {}),
            status=e["response"]["status"],
            response_body=e["response"]["body"],
            line=source.line(["examples", i]),
        )
        for i, e in enumerate(d.get("examples", []))
    )
    lc = d.get("lifecycle")
    lifecycle = None
    if lc is not None:
        lifecycle = Lifecycle(
            field=lc["field"],
            initial=tuple(lc["initial"]),
            transitions={k: tuple(v) for k, v in lc["transitions"].items()},
            terminal=tuple(lc["terminal"]),
            progress=lc.get("progress"),
        )
    return Contract(
        path=source.path,
        name=d["name"],
        version=str(d["version"]),
        docs=d.get("docs", ""),
        method=request["method"],
        url_path=request["path"],
        auth=request.get("auth", "bearer"),
        content_type=request.get("content_type"),
        fields=fields,
        additional_properties=body.get("additionalProperties", True) if body else True,
        body_schema=body,
        params=request.get("params", {}),
        settings=settings,
        rules=tuple(rules),
        responses=responses,
        error_kinds=kinds,
        error_schema=errors_source.data["schema"],
        errors=tuple(d["responses"].get("errors", [])),
        paid=frozenset(d.get("cost", {}).get("paid", [])),
        examples=examples,
        lifecycle=lifecycle,
        line_of=source.line,
        sources=prov.sources,
        error_content_type=errors_source.data.get("content_type"),
        error_provenance=prov.errors_file,
        errors_path=errors_source.path,
        errors_line_of=errors_source.line,
        discriminator=discriminator,
        variants=variants,
    )
