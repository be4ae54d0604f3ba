"""The money of free probes: a reserve of the budget for probes a provider accepts, the
order of the probes (documented facts first, the contract's stances on fields last and only
with budget left), one accept settling a stance, per-model limits judged for consistency,
and a null for a non-nullable field read as the null stance, not the documented type.

The plan and the settling of answers are checked in process; the runs go against the fake
served on loopback (a variant of it where a test needs a provider that breaks a limit for
one value only) and against the independent docs-only fake of ``benchmarks/docsfake``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from helpers.docsfake import docs_only_fake
from served_fake import live, live_project, served

from foxcontract.contract import Contract, load_contracts, shipped_contracts_dir
from foxcontract.fake import FakeAPI, FakeConfig
from foxcontract.fake.wire import FakeRequest, FakeResponse
from foxcontract.live import build_plan, format_plan
from foxcontract.live.drift import settle
from foxcontract.live.plan import PaidCreate, default_reserve
from foxcontract.live.probes import NULL_STANCE, FreeProbe
from foxcontract.verdict import judge

KEY = "sk-live-reserve-key-31"
FAST = "veo-3.1-fast-image-to-video"
STANDARD = "veo-3.1-image-to-video"


@pytest.fixture(scope="module")
def contracts() -> list[Contract]:
    return list(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))


def _videos(contracts: list[Contract]) -> Contract:
    return next(c for c in contracts if c.name == "videos-generations")


@pytest.mark.parametrize(
    ("budget", "reserve"), [(0, 0), (1, 1), (5, 1), (6, 1), (12, 2), (24, 4), (60, 10)]
)
def test_the_default_reserve_is_one_per_six_of_the_budget(budget: int, reserve: int) -> None:
    assert default_reserve(budget) == reserve


def test_the_plan_sends_the_reserve_creates_after_the_free_probes(
    contracts: list[Contract],
) -> None:
    plan = build_plan(contracts, 12)
    assert plan.reserve == 2
    assert [c.name for c in plan.first] == [f"paid-{i:02d}" for i in range(1, 11)]
    assert [c.name for c in plan.last] == ["paid-11", "paid-12"]
    kinds = ["paid" if isinstance(p, PaidCreate) else f"free{p.group}" for p in plan.order]
    runs = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert runs == ["paid", "free0", "free1", "paid", "free2"]
    assert kinds.count("paid") == 12
    assert len(plan.order) == 12 + len(plan.free)
    # 61 creates wanted, 12 kept: every mode is sent before the free probes, so accepts
    # that use the reserve up leave each mode sent; only the extend-fast model waits
    videos = _videos(contracts)
    modes = [videos.variant_of(c.body) for c in plan.first]
    assert [m.name for m in modes if m is not None][:5] == [
        "first-last-frame", "image-to-video", "reference-to-video", "reference-to-video",
        "extend",
    ]  # fmt: skip
    assert [c.body["model"] for c in plan.last] == ["veo-3.1-extend-fast", STANDARD]
    lines = format_plan(plan, "http://127.0.0.1:9")
    # the cap of 400 shared by turns: 48 probes and rules of documented facts (200), the 31
    # assumed rules of a mode or model (each variant's foreign fields, the standard-only
    # options) at 5 each (155), and 45 probes of the stances on single fields
    assert lines[3] == (
        "  free probe order: 201 on documented facts, then 155 on per-model assumptions; 44 on "
        "the contract's stances on fields go last, only while the budget has room (an accept "
        "is charged)"
    )
    assert lines[5] == (
        "  reserve: 2 of the budget for free probes the provider may accept (--fox-reserve); "
        "10 create(s) first, paid-11, paid-12 after the free probes with what is left"
    )


def test_a_budget_with_room_holds_no_create_back(contracts: list[Contract]) -> None:
    # 61 creates planned; a budget of 90 keeps 15 in reserve and still has room for all
    plan = build_plan(contracts, 90)
    assert (plan.reserve, len(plan.first), plan.last) == (15, 61, ())
    assert format_plan(plan)[5] == (
        "  reserve: 15 of the budget for free probes the provider may accept (--fox-reserve); "
        "61 create(s) first"
    )
    # at 72 the reserve of 12 leaves 60 before the free probes: the last one waits for it
    tight = build_plan(contracts, 72)
    assert (tight.reserve, len(tight.first), [c.name for c in tight.last]) == (
        12, 60, ["paid-61"],
    )  # fmt: skip


def test_the_second_create_carries_a_charset_parameter(contracts: list[Contract]) -> None:
    plan = build_plan(contracts, 3)
    assert [c.content_type for c in plan.paid] == [
        "application/json",
        "application/json; charset=utf-8",
        "application/json",
    ]
    assert format_plan(plan)[8].endswith(" (as application/json; charset=utf-8)")


def _probe(contracts: list[Contract], name: str) -> FreeProbe:
    plan = build_plan(contracts, 0, max_free=10_000)
    return next(p for p in plan.free if p.contract == "videos-generations" and p.name == name)


def test_each_probe_names_the_assumption_it_rests_on(contracts: list[Contract]) -> None:
    plan = build_plan(contracts, 0, max_free=10_000)
    by_name = {p.name: p for p in plan.free if p.contract == "videos-generations"}
    assert by_name["rule-lite-no-4k[1]"].rests_on is None  # documented
    assert by_name["rule-model.required[1]"].rests_on == "rule model.required"
    person = by_name[f"rule-person-generation-standard-only[{FAST}]"]
    assert person.rests_on == f"rule person-generation-standard-only when model={FAST}"
    nulls = [p for p in plan.free if p.rests_on == NULL_STANCE]
    assert {p.rule for p in nulls} >= {"aspect_ratio.type", "duration.type", "model.type"}
    assert all(p.body[str(p.rule).split(".")[0]] is None for p in nulls)
    assert [p.group for p in (by_name["rule-lite-no-4k[1]"], person, nulls[0])] == [0, 1, 2]


def test_a_per_model_limit_is_probed_in_each_context(contracts: list[Contract]) -> None:
    plan = build_plan(contracts, 0, max_free=10_000)
    lite_4k = [p.body for p in plan.free if p.rule == "lite-no-4k"]
    seen = {(b.get("aspect_ratio", "16:9"), b.get("duration", 8)) for b in lite_4k}
    assert {("9:16", 8), ("16:9", 4), ("16:9", 6), ("16:9", 8)} <= seen
    lite_1080 = [p.body for p in plan.free if p.rule == "lite-1080p-8s-only"][:4]
    # both forbidden durations on the first base, then on a base of the other aspect ratio
    assert [b["duration"] for b in lite_1080] == [4, 6, 4, 6]
    aspects = [b.get("aspect_ratio", "16:9") for b in lite_1080]
    assert aspects[0] == aspects[1] != aspects[2] == aspects[3]


def test_a_null_for_a_non_nullable_field_disproves_the_null_stance(
    contracts: list[Contract],
) -> None:
    c = _videos(contracts)
    probe = next(p for p in build_plan(contracts, 0, max_free=10_000).free
                 if p.rule == "aspect_ratio.type" and p.rests_on == NULL_STANCE)  # fmt: skip
    accepted = [p for p in judge(c, 200, {}, probe.body).problems if p.check == "status"]
    settled = settle(
        c, probe.name, probe.rule, accepted, status=200, body={}, headers=None,
        sent=probe.body,
    )  # fmt: skip
    assert settled.drift == ()
    assert len(settled.disproved) == 1
    d = settled.disproved[0]
    assert d.problem == "status: a body breaking rule aspect_ratio.type was accepted with 200"
    assert d.assumed.startswith(
        "assumed: the docs type aspect_ratio as string without saying whether null is refused "
        "or read as the default; the contract refuses it (as the null stance: stance 8: "
    )
    assert d.adopt.endswith(': type: ["string", "null"]')


def test_a_named_kind_with_another_status_breaks_the_documented_kind(
    contracts: list[Contract],
) -> None:
    c = _videos(contracts)
    probe = _probe(contracts, f"rule-enhance-prompt-standard-only[{FAST}]")
    error = {"error": {"message": "no", "type": "invalid_request_error",
                       "code": "unsupported_advanced_options"}}  # fmt: skip
    verdict = judge(c, 400, error, probe.body)
    settled = settle(
        c, probe.name, probe.rule, verdict.problems, status=400, body=error, headers=None,
        sent=probe.body,
    )  # fmt: skip
    assert settled.disproved == ()
    assert settled.drift[0].startswith(
        "status: expected 422 unsupported_advanced_options code unsupported_advanced_options, "
        "got 400"
    )
    assert settled.facts[0].startswith("documented: ")
    # another kind's answer with another status is still news about the assumption only
    other = {"error": {"message": "no", "type": "invalid_request_error"}}
    settled = settle(
        c, probe.name, probe.rule, judge(c, 400, other, probe.body).problems, status=400,
        body=other, headers=None, sent=probe.body,
    )  # fmt: skip
    assert (settled.drift, len(settled.disproved)) == ((), 1)


class FastTakesDontAllow(FakeAPI):
    """A provider that refuses person_generation on Fast, except dont_allow."""

    def handle(self, request: FakeRequest) -> FakeResponse:
        if request.method == "POST":
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
            if (
                isinstance(body, dict)
                and body.get("model") == FAST
                and body.get("person_generation") == "dont_allow"
            ):
                del body["person_generation"]
                request = FakeRequest(
                    request.method, request.path, request.headers, json.dumps(body).encode()
                )
        return super().handle(request)


@pytest.fixture
def fast_takes_dont_allow() -> Iterator[FakeAPI]:
    with served(FastTakesDontAllow(FakeConfig(key=KEY))) as api:
        yield api


def test_a_limit_kept_for_one_value_and_broken_for_another_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, fast_takes_dont_allow: FakeAPI
) -> None:
    project = live_project(pytester, monkeypatch, KEY)
    result = live(
        project, fast_takes_dont_allow, "--fox-budget", "12",
        "-k", f"person-generation-standard-only and {FAST}",
    )  # fmt: skip
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 1
    result.stdout.fnmatch_lines(
        [
            f"videos-generations::rule-person-generation-standard-only[[]{FAST}-2[]]: the "
            "provider disagrees with the contract",
            "  expected: 422 unsupported_advanced_options code unsupported_advanced_options",
            "  got:      422 (type 'invalid_request_error'*",
            f"  consistency: the provider accepted rule-person-generation-standard-only[[]{FAST}[]]"
            f" on the same assumption (rule person-generation-standard-only when model={FAST}) "
            "but refused this body",
        ]
    )
    # the accept was charged: the reserve paid for it
    result.stdout.fnmatch_lines(
        ["paid creates: 1 of budget 12 spent (1 by requests the contract says must be refused)"]
    )


def test_a_run_against_the_docs_only_fake_passes_and_reports_the_assumptions(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The independent fake differs from the contract only where the docs are silent: the
    default run passes, spends the budget on the planned creates and no more."""
    project = live_project(pytester, monkeypatch, KEY)
    with docs_only_fake(KEY) as running:
        result = project.runpytest(
            "contracts", "--fox-mode", "live", "--fox-base-url", running.base_url,
            "--fox-budget", "12", "-p", "no:cacheprovider", "-m", "fox_live",
        )  # fmt: skip
        creates = running.fake.creates
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes["passed"] > 300
    assert creates == 12
    result.stdout.fnmatch_lines(
        [
            "paid creates: 12 of budget 12 spent",
            "* probe(s) sent, 0 disagree with the contract; *",
            "assumptions disproved: 6 probe(s) (not failing; --fox-strict fails them); *",
            "  videos-generations rule body.type * 400x6 DISPROVED",
            "ASSUMPTION DISPROVED videos-generations::rule-body.type[[]1[]]",
        ]
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "probe"),
    [
        ("family-image-urls", "rule-image_url.required[[]as-image_urls[]]"),
        ("family-first-image-url", "rule-image_url.required[[]as-first_image_url[]]"),
        ("family-fl-image-url", "rule-first_image_url.required[[]as-image_url[]]"),
        ("family-reference-image-url", "rule-reference_image_urls.required[[]as-image_url[]]"),
        ("family-extend-video", "rule-video_url.required[[]as-video[]]"),
    ],
)
def test_a_provider_taking_a_required_field_under_its_family_name_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, fault: str, probe: str
) -> None:
    """The docs-only fake with one fault: it takes the field under a name the API family
    gives it elsewhere (FAMILY.md), which the mode's page does not list, in place of the
    field the page requires. The documented rule that the field is required fails."""
    project = live_project(pytester, monkeypatch, KEY)
    with docs_only_fake(KEY, fault) as running:
        result = project.runpytest(
            "contracts", "--fox-mode", "live", "--fox-base-url", running.base_url,
            "--fox-budget", "3", "-p", "no:cacheprovider", "-m", "fox_live", "-k", "required",
        )  # fmt: skip
    rule = probe.split("[[]")[0].removeprefix("rule-")
    result.stdout.fnmatch_lines(
        [
            f"videos-generations::{probe}: the provider disagrees with the contract",
            f"  status: a body breaking rule {rule} was accepted with 200",
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
