"""``--fox-models``: the paid creates of a live run planned for the models a team's app
calls only (the free probes still cover every model), in the plan, the ``plan`` command and
a live run; and what the budget buys then: every three-way combination of the models'
mode, checked against the independent docs-only fake of ``benchmarks/docsfake``."""

from __future__ import annotations

import pytest
from helpers.docsfake import docs_only_fake
from helpers.veo import effective, sendable
from served_fake import live, live_project, served_fake

from foxcontract import cli
from foxcontract.contract import Contract, load_contracts, shipped_contracts_dir
from foxcontract.live import PlanError, build_plan, format_plan

KEY = "sk-plan-models-key-47"
STANDARD = "veo-3.1-image-to-video"
FAST = "veo-3.1-fast-image-to-video"
LITE = "veo-3.1-lite-image-to-video"
IMAGE_TO_VIDEO = (STANDARD, FAST, LITE)
MODELS = (
    "veo-3.1-image-to-video, veo-3.1-fast-image-to-video, veo-3.1-lite-image-to-video, "
    "veo-3.1-first-last-frame-to-video, veo-3.1-fast-first-last-frame-to-video, "
    "veo-3.1-lite-first-last-frame-to-video, veo-3.1-reference-to-video, "
    "veo-3.1-fast-reference-to-video, veo-3.1-extend, veo-3.1-extend-fast"
)


@pytest.fixture(scope="module")
def contracts() -> list[Contract]:
    return list(load_contracts(sorted(shipped_contracts_dir().glob("*.yaml"))))


def test_the_paid_creates_are_planned_for_the_models_named_only(
    contracts: list[Contract],
) -> None:
    plan = build_plan(contracts, 100, models=IMAGE_TO_VIDEO)
    assert {p.body["model"] for p in plan.paid} == set(IMAGE_TO_VIDEO)
    assert plan.uncovered == ()
    everything = build_plan(contracts, 100)
    assert len(plan.paid) < len(everything.paid) / 2
    # the free probes cost nothing: they still start from a body of every mode
    assert [p.name for p in plan.free] == [p.name for p in everything.free]


@pytest.mark.parametrize("third", ["aspect_ratio", "duration"])
def test_a_budget_of_24_sends_every_three_way_combination_of_the_mode(
    contracts: list[Contract], third: str
) -> None:
    """model x resolution x aspect_ratio and model x resolution x duration, every one the
    docs allow, within 24 creates (all models at once need more than 36 for the same)."""
    bodies = [p.body for p in build_plan(contracts, 24, models=IMAGE_TO_VIDEO).paid]
    sent = {tuple(effective(b, f) for f in ("model", "resolution", third)) for b in bodies}
    missing = [
        (model, resolution, value)
        for model in IMAGE_TO_VIDEO
        for resolution in ("720p", "1080p", "4k")
        for value in (("16:9", "9:16") if third == "aspect_ratio" else (4, 6, 8))
        if sendable(model, resolution, value if third == "duration" else 8)
        and (model, resolution, value) not in sent
    ]
    # one create is left out by the budget, and it sends the defaults' case: 1080p, and
    # landscape or 8 s (what a body that leaves the fields out sends)
    assert len(missing) <= 1, missing
    assert all(r == "1080p" and v in ("16:9", 8) for _, r, v in missing), missing


def test_the_plan_says_which_models_it_pays_for(contracts: list[Contract]) -> None:
    lines = format_plan(build_plan(contracts, 24, models=(FAST,)))
    assert (
        "  models: paid creates for veo-3.1-fast-image-to-video only (--fox-models); "
        "free probes cover every model"
    ) in lines
    modes = lines[lines.index("  coverage by mode (videos-generations):") + 1]
    assert modes.startswith("    image-to-video: ")
    assert " 1 of 3 model(s)" in modes
    # the options Fast may not send (Standard only) are counted with what is not sendable
    assert lines[-1] == (
        "  not sendable (the rules forbid them; probed as free refusals): 4 value(s), "
        "2 pair(s), 0 triple(s)"
    )


def test_a_model_no_contract_has_is_refused(contracts: list[Contract]) -> None:
    with pytest.raises(PlanError) as info:
        build_plan(contracts, 12, models=(FAST, "veo-9"))
    assert str(info.value) == (
        f"no contract of the run has model 'veo-9'; the contracts' models: {MODELS}"
    )
    # a folder whose contracts name no models plans as it is
    tasks = [c for c in contracts if not c.has_body]
    assert build_plan(tasks, 0, models=(FAST,)).paid == ()


def test_the_plan_command_takes_models(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(shipped_contracts_dir())
    assert cli.main(["plan", folder, "--budget", "4", "--models", f"{LITE}, {FAST}"]) == 0
    out = capsys.readouterr().out.splitlines()
    paid = [ln for ln in out if ln.startswith("    paid-")]
    assert len(paid) == 4
    assert all(f"model={LITE} " in ln or f"model={FAST} " in ln for ln in paid), paid
    assert cli.main(["plan", folder, "--models", "veo-9"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"foxcontract plan: error: --models: no contract of the run has model 'veo-9'; "
        f"the contracts' models: {MODELS}\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize("where", ["contracts", "."])
def test_a_live_run_with_a_model_no_contract_has_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Named as the folder of contracts, the plan is made before collection; found under
    another folder, when its file is collected: a usage error either way, nothing sent."""
    project = live_project(pytester, monkeypatch, KEY)
    message = (
        "ERROR: --fox-models (ini fox_models): no contract of the run has model 'veo-9'; "
        f"the contracts' models: {MODELS}"
    )
    with served_fake(KEY) as fake:
        result = project.runpytest(
            where, "--fox-mode", "live", "--fox-base-url", fake.base_url,  # type: ignore[attr-defined]
            "--fox-budget", "2", "--fox-models", "veo-9", "-p", "no:cacheprovider",
        )  # fmt: skip
        assert fake.calls == []
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    if where == "contracts":
        assert result.stderr.lines[0] == message
    else:
        result.stdout.fnmatch_lines([f"!*Exit: {message} !*"])
    assert "drift report" not in result.stdout.str()


@pytest.mark.slow
def test_a_live_run_pays_for_the_models_named_only(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = live_project(pytester, monkeypatch, KEY)
    project.makeini(f"[pytest]\nfox_models = {FAST}\n")
    with served_fake(KEY) as fake:
        result = live(project, fake, "--fox-budget", "3", "-k", "paid or lifecycle")
        created = [c.request.json() for c in fake.calls if c.request.method == "POST"]
    assert result.ret == pytest.ExitCode.OK
    assert len(created) == 3
    assert {body["model"] for body in created} == {FAST}
    result.stdout.fnmatch_lines(["paid creates: 3 of budget 3 spent"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault", ["tri-standard-4k-9-16", "tri-fast-720p-9-16", "tri-lite-1080p-9-16", "tri-fast-4k-4s"]
)
def test_a_refused_three_way_combination_of_the_models_named_fails_at_24(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """The docs-only fake with one fault: a valid combination of model, resolution and
    aspect ratio (or duration) is refused. Planned for the image-to-video models, a budget
    of 24 sends it, and the paid create it refuses fails the run."""
    project = live_project(pytester, monkeypatch, KEY)
    with docs_only_fake(KEY, fault) as running:
        result = project.runpytest(
            "contracts", "--fox-mode", "live", "--fox-base-url", running.base_url,
            "--fox-budget", "24", "--fox-models", ",".join(IMAGE_TO_VIDEO),
            "-p", "no:cacheprovider", "-m", "fox_live", "-k", "paid",
        )  # fmt: skip
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["FAILED contracts/videos-generations.yaml::paid-* - *"])
