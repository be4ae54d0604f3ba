"""Live mode as users run it: ``pytest contracts --fox-mode live`` against the project's fake
served on loopback over real HTTP, faithful, faulty and mutated."""

from __future__ import annotations

import pytest
from served_fake import live, live_project_fixture, retries_conftest, served_fake_fixture

from foxcontract.fake import FakeAPI, Fault, Mutations, TaskScript

# live runs against the served fake
pytestmark = pytest.mark.slow

KEY = "sk-live-mode-test-key-42"


fake = served_fake_fixture(KEY)
project = live_project_fixture(KEY)


def test_a_faithful_provider_passes_within_the_budget(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    # attempts of 5 s: on a loaded machine a create cut off after 0.5 s is charged (as it
    # must be), and the budget would then skip the last create, not only the stances
    project.makeconftest(retries_conftest(timeout=5.0, total=10.0))
    result = live(project, fake, "--fox-budget", "12", "-rs")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("skipped", 0) == 44  # the 44 stances: the budget went to the creates
    assert outcomes["passed"] > 100
    result.stdout.fnmatch_lines(
        [
            "foxcontract live plan against http://127.0.0.1:*: budget 12 paid create(s)",
            "  free probes: 400 (3 tasks-get, 397 videos-generations); refused requests cost "
            "nothing",
            "  free probe cap: 400 a run (--fox-max-free-probes); * left out",
            "  free probe order: * on documented facts, then * on per-model assumptions; * "
            "on the contract's stances on fields go last, only while the budget has room (an "
            "accept is charged)",
            "  paid creates: 12 of * planned, each then polled on tasks-get (free)",
            "  reserve: 2 of the budget for free probes the provider may accept (--fox-reserve); "
            "10 create(s) first, paid-11, paid-12 after the free probes with what is left",
            "  coverage by mode (videos-generations):",
            "*= foxcontract live: drift report =*",
            "paid creates: 12 of budget 12 spent",
            "tasks: 12 followed, 12 ended and stayed ended (slowest *s; deadline --fox-wait 300s)",
            "* probe(s) sent, 0 disagree with the contract; * rule(s) probed, 0 with drift",
            "  probed * the contract expects * provider answered",
            "  tasks-get auth-missing-key * 401 authentication type authentication_error *401x1 ok",
            "  videos-generations paid creates * 2xx: an allowed body is accepted * 200x12 ok",
            "  videos-generations rule enhance-prompt-standard-only * 422 "
            "unsupported_advanced_options code unsupported_advanced_options * 422x* ok",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]6[]] *: not sent: it tests the contract's stance (rule "
            "image_url.pattern), which a provider may answer by accepting the body, and budget "
            "exhausted: 12 of 12 paid creates spent; stances are probed only with budget left "
            "after the paid creates"
        ]
    )
    assert fake.paid == 12


def test_the_plan_is_printed_before_anything_is_sent(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    result = live(project, fake, "--fox-budget", "3", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["foxcontract live plan against *: budget 3 paid create(s)"])
    assert fake.calls == []


def test_live_mode_without_a_key_is_a_usage_error(
    project: pytest.Pytester, fake: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOXAPI_API_KEY")
    result = live(project, fake, "--fox-budget", "3")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --fox-mode live sends real requests and needs the API key in the "
            "environment variable FOXAPI_API_KEY (never on the command line); nothing was sent"
        ]
    )
    assert fake.calls == []


def test_faults_cause_no_false_failure(project: pytest.Pytester, fake: FakeAPI) -> None:
    fake.configure(
        faults=(
            Fault(kind="rate_limit", times=4),  # a burst of 429 with Retry-After
            Fault(status=503, times=3, method="POST"),
            Fault(kind="server", times=1),  # 500: retryable, says the errors contract
            Fault(delay=0.2, times=3),  # slow but correct answers
            Fault(delay=0.8, times=1, method="GET"),  # slower than the client's timeout
            Fault(drop=True, times=2, method="POST"),  # connections dropped
            Fault(drop=True, times=1, path="/v1/tasks/*"),
        )
    )
    result = live(project, fake, "--fox-budget", "12")
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0, result.stdout.str()
    assert fake.paid <= 12
    result.stdout.fnmatch_lines(["* probe(s) sent, 0 disagree with the contract; *"])


def test_a_persistent_failure_ends_in_a_clear_message(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(faults=(Fault(status=503, times=None),))
    result = live(project, fake, "-k", "videos and auth-wrong-key")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::auth-wrong-key: no answer from the provider",
            "  POST /v1/videos/generations: HTTP 503 after * attempt(s) in *s "
            "(retry limits: 6 attempts, 5s); last body: '{\"error\": {*}}'",
        ]
    )


def test_an_accepted_violation_fails_naming_the_rule(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(mutations=Mutations(accept_rules=frozenset({"lite-no-4k"})))
    result = live(project, fake, "--fox-budget", "12", "-k", "rule-lite-no-4k")
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] >= 1
    result.stdout.fnmatch_lines(
        [
            "*videos-generations::rule-lite-no-4k[[]1]: the provider disagrees with the contract",
            "  rule lite-no-4k (videos-generations.yaml:*): Lite supports only 720p and 1080p.",
            '  sent:     POST /v1/videos/generations {"model": "veo-3.1-lite-image-to-video"*',
            "  expected: 422 validation type invalid_request_error",
            "  got:      200",
            "  status: a body breaking rule lite-no-4k was accepted with 200",
            "*= foxcontract live: drift report =*",
            "paid creates: * of budget 12 spent (* by requests the contract says must be refused)",
            "* 1 rule(s) probed, 1 with drift (videos-generations:lite-no-4k)",
            "  videos-generations rule lite-no-4k * 422 validation type invalid_request_error *"
            "200x5 DRIFT",  # the 5 probes the cap of 400 leaves each of the 81 rules
            "DRIFT videos-generations::rule-lite-no-4k[[]1]",
            "    contract: 422 validation type invalid_request_error",
            "    provider: 200",
        ]
    )


def test_k_selects_probes_by_rule(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake, "-k", "enhance-prompt-standard-only", "-v")
    result.stdout.fnmatch_lines(
        [
            "*videos-generations.yaml::rule-enhance-prompt-standard-only"
            "[[]veo-3.1-fast-image-to-video] PASSED*",
        ]
    )
    assert {c.request.path for c in fake.calls} == {"/v1/videos/generations"}
    assert fake.paid == 0


def test_unexpected_accepts_stop_charged_work(project: pytest.Pytester, fake: FakeAPI) -> None:
    c = "videos-generations"
    rules = frozenset({"model.enum", "duration.enum", "resolution.enum"})
    fake.configure(mutations=Mutations(accept_rules=rules))
    result = live(project, fake, "--fox-budget", "2", "-k", f"{c} and (enum or paid)")
    result.stdout.fnmatch_lines(
        [
            "paid creates: 2 of budget 2 spent (1 by requests the contract says must be "
            "refused); 1 paid probe(s) not sent: budget exhausted",
        ]
    )
    assert fake.paid == 2  # the first create, then the accept the reserve paid for


def test_without_a_reserve_an_accept_costs_one_create_beyond_the_budget(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.configure(mutations=Mutations(accept_rules=frozenset({"model.enum"})))
    selected = "videos-generations and (enum or paid)"
    result = live(project, fake, "--fox-budget", "1", "--fox-reserve", "0", "-k", selected)
    result.stdout.fnmatch_lines(
        [
            "  reserve: 0 of the budget for free probes the provider may accept (--fox-reserve); "
            "the first accept after the budget is spent costs one create beyond it and stops "
            "the free probes",
            "paid creates: 2 of budget 1 spent (1 by requests the contract says must be refused)",
        ]
    )
    assert fake.paid == 2  # the create, then the one accept that went past the budget


def test_workers_share_the_budget_and_follow_tasks_for_each_other(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    fake.script_task(TaskScript(statuses=("pending", "processing")))  # the first task: stuck
    result = live(project, fake, "--fox-budget", "5", "-n", "2", "-k", "paid", "--fox-wait", "3")
    outcomes = result.parseoutcomes()
    assert (outcomes["passed"], outcomes["failed"]) == (9, 1)  # 5 creates, 4 of 5 lifecycles
    assert fake.paid == 5
    result.stdout.fnmatch_lines(
        [
            "foxcontract live plan against *: budget 5 paid create(s)",  # once, by the controller
            "*stuck: task task-unified-* still 'processing' after *s (--fox-wait 3)*",
            "*= foxcontract live: drift report =*",
            "paid creates: 5 of budget 5 spent",
            "tasks: 5 followed, 4 ended and stayed ended (slowest *s; deadline --fox-wait 3s); "
            "1 not in a terminal state at the deadline: paid-0* 'processing' after *s",
        ]
    )
    assert result.stdout.str().count("foxcontract live plan") == 1


def test_the_default_budget_sends_only_free_probes(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake)
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0
    result.stdout.fnmatch_lines(
        [
            "foxcontract live plan against *: budget 0 paid create(s)",
            "  paid creates: 0 of * planned, each then polled on tasks-get (free)",
            "paid creates: 0 of budget 0 spent",
        ]
    )
    assert fake.paid == 0


def test_free_probes_only_by_marker(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake, "--fox-budget", "12", "-m", "fox_live and not fox_paid")
    assert result.parseoutcomes().get("failed", 0) == 0
    assert fake.paid == 0
    assert {c.request.method for c in fake.calls} == {"GET", "POST"}


def test_the_reserve_pays_for_an_accepted_refusal_within_the_budget(
    project: pytest.Pytester, fake: FakeAPI
) -> None:
    """A provider accepting refusals the contract lists is charged for them out of the
    budget's reserve, after the first creates; the reserve's create, sent after the free
    probes, is then not sent, and the budget is never passed."""
    fake.configure(mutations=Mutations(accept_rules=frozenset({"model.enum", "duration.enum"})))
    result = live(project, fake, "--fox-budget", "4", "-k", "videos-generations", "-v", "-rs")
    post = "/v1/videos/generations"
    creates = [c for c in fake.calls if c.request.path == post and c.response.status == 200]
    planned = [c for c in creates if not c.violations]
    accepted = [c for c in creates if c.violations]
    assert len(planned) == 3  # the budget less its reserve
    assert len(accepted) == 1  # the reserve; the probes after it are not sent
    assert planned[-1].at < accepted[0].at
    assert fake.paid == 4
    result.stdout.fnmatch_lines(
        [
            "  reserve: 1 of the budget for free probes the provider may accept (--fox-reserve); "
            "3 create(s) first, paid-04 after the free probes with what is left",
            *[f"*videos-generations.yaml::paid-0{i} PASSED*" for i in range(1, 4)],
            "*videos-generations.yaml::paid-04 SKIPPED*",
        ],
        consecutive=False,
    )
    result.stdout.fnmatch_lines(
        [
            "*= foxcontract live: drift report =*",
            "paid creates: 4 of budget 4 spent (1 by requests the contract says must be "
            "refused); 1 paid probe(s) not sent: budget exhausted",
            "SKIPPED [[]*] *: not sent: budget exhausted: "
            "4 of 4 paid creates spent, 1 by unexpected accepts; free probes stop too, since "
            "this provider charges for requests the contract says it refuses",
        ]
    )


def test_an_unused_reserve_buys_the_last_creates(project: pytest.Pytester, fake: FakeAPI) -> None:
    result = live(project, fake, "--fox-budget", "4", "-k", "paid or model", "-v")
    result.stdout.fnmatch_lines(
        [
            "*videos-generations.yaml::paid-03 PASSED*",
            "*videos-generations.yaml::rule-model.enum[[]1[]] PASSED*",
            "*videos-generations.yaml::paid-04 PASSED*",
        ],
        consecutive=False,
    )
    assert fake.paid == 4
