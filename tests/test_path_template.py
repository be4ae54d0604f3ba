"""Path templates: one reading of ``{name}``, used by the fake's routes, replay, the export,
the poll path and the cassette writer."""

from __future__ import annotations

from foxcontract.contract import fill_path, match_path, path_params, strip_prefix


def test_parameters_in_order() -> None:
    assert path_params("/v1/tasks/{task_id}") == ["task_id"]
    assert path_params("/a/{x}/b/{job-id}") == ["x", "job-id"]
    assert path_params("/v1/videos/generations") == []


def test_a_path_is_filled_by_name_or_all_at_once() -> None:
    assert fill_path("/v1/tasks/{task_id}", {"task_id": "t-1"}) == "/v1/tasks/t-1"
    assert fill_path("/a/{x}/b/{y}", {"x": 1}) == "/a/1/b/{y}"
    assert fill_path("/a/{x}/b/{y}", "z") == "/a/z/b/z"


def test_a_path_matches_one_segment_per_parameter() -> None:
    assert match_path("/v1/tasks/{task_id}", "/v1/tasks/abc") == {"task_id": "abc"}
    assert match_path("/v1/tasks/{task_id}", "/v1/tasks/abc/") == {"task_id": "abc"}
    assert match_path("/v1/tasks/{task_id}", "/v1/tasks/a/b") is None
    assert match_path("/v1/tasks/{task_id}", "/v1/tasks/") is None
    assert match_path("/v1/videos/generations", "/v1/videos/generations") == {}
    assert match_path("/v1/videos.generations", "/v1/videosXgenerations") is None


def test_a_base_url_prefix_of_whole_segments_is_stripped() -> None:
    assert strip_prefix("/v1/tasks/{task_id}", "/gw/foxapi/v1/tasks/t") == "/v1/tasks/t"
    assert strip_prefix("/v1/tasks/{task_id}", "/v1/tasks/t") == "/v1/tasks/t"
    assert strip_prefix("/v1/tasks/{task_id}", "/xv1/tasks/t") is None
    assert strip_prefix("/v1/tasks/{task_id}", "/v1/tasks") is None
