"""Deployments and operations commands: pure parts, no Prefect server needed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from flows.deployments import (
    BATCH_DEPLOYMENT,
    batch_key,
    deployment_specs,
    digitize_batch,
    ready_files,
    split_batches,
)
from hotich.commands.ops import prefect_db_url, server_argv, server_command, server_env


def test_split_batches_keeps_files_whole_and_order() -> None:
    files = [("a", 3), ("b", 1), ("c", 2), ("d", 5), ("e", 0)]
    assert split_batches(files, 4) == [["a", "b"], ["c"], ["d"], ["e"]]
    # every file exactly once, in order
    assert [p for b in split_batches(files, 2) for p in b] == ["a", "b", "c", "d", "e"]
    assert split_batches([], 10) == []
    with pytest.raises(ValueError):
        split_batches(files, 0)


def test_batch_key_is_stable_and_distinct() -> None:
    assert batch_key("run1", ["a", "b"]) == batch_key("run1", ["a", "b"])
    assert batch_key("run1", ["a", "b"]) != batch_key("run2", ["a", "b"])  # a new parent run: new batches
    assert batch_key("run1", ["a", "b"]) != batch_key("run1", ["a"])


def test_ready_files_waits_for_files_still_being_copied(tmp_path: Path) -> None:
    old, new = tmp_path / "old.png", tmp_path / "new.png"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    past = time.time() - 600
    os.utime(old, (past, past))
    assert ready_files([str(tmp_path)], min_age_seconds=60) == [str(old)]
    assert sorted(ready_files([str(tmp_path)], min_age_seconds=0)) == sorted([str(old), str(new)])


def test_deployment_specs_have_operator_parameters_and_inbox_schedule() -> None:
    specs = {s.name: s for s in deployment_specs(inbox="/srv/inbox", inbox_interval=120)}
    assert {"digitize", "digitize-split", "digitize-batch", "inbox-watch"} <= set(specs)
    assert specs["digitize"].parameters["paths"] == ["/srv/inbox"]
    assert specs["inbox-watch"].interval == 120 and specs["inbox-watch"].parameters["inbox"] == "/srv/inbox"
    assert specs["digitize"].interval is None
    # the optional flows appear exactly when their module provides them
    for name, module in (("dedup", "flows.dedup"), ("export", "flows.export")):
        try:
            present = hasattr(__import__(module, fromlist=[name]), name)
        except ImportError:
            present = False
        assert (name in specs) == present
    # every entrypoint resolves to a flow whose name matches the deployment's flow
    for s in specs.values():
        assert hasattr(s.flow(), "to_deployment")
    assert f"{digitize_batch.name}/digitize-batch" == BATCH_DEPLOYMENT


def test_parameters_match_flow_signatures() -> None:
    import inspect

    for s in deployment_specs():
        sig = inspect.signature(s.flow().fn)
        assert set(s.parameters) <= set(sig.parameters), s.name


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://u:p@db:5432/prefect", "postgresql+asyncpg://u:p@db:5432/prefect"),
        ("postgresql://u@db/prefect", "postgresql+asyncpg://u@db/prefect"),
        ("postgresql+asyncpg://u@db/prefect", "postgresql+asyncpg://u@db/prefect"),
        ("sqlite:////var/lib/prefect.db", "sqlite+aiosqlite:////var/lib/prefect.db"),
    ],
)
def test_prefect_db_url(url: str, expected: str) -> None:
    assert prefect_db_url(url) == expected


def test_server_env_and_argv(tmp_path: Path) -> None:
    env = server_env(tmp_path, "postgresql://u@db/prefect")
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["PREFECT_HOME"] == str(tmp_path.resolve())
    assert env["PREFECT_API_DATABASE_CONNECTION_URL"] == "postgresql+asyncpg://u@db/prefect"
    assert "PREFECT_API_DATABASE_CONNECTION_URL" not in server_env()
    argv = server_argv("0.0.0.0", 4300, ui=False, services=False, workers=2)
    assert argv[1:] == [
        "server",
        "start",
        "--host",
        "0.0.0.0",
        "--port",
        "4300",
        "--analytics-off",
        "--no-ui",
        "--no-services",
        "--workers",
        "2",
    ]


def test_server_command_print_masks_password(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(server_command)
    res = CliRunner().invoke(
        app, ["--print", "--db", "postgresql://prefect:s3cret@db/prefect", "--home", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    assert "s3cret" not in res.output
    assert "PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://prefect:***@db/prefect" in res.output
    assert "--analytics-off" in res.output


def test_inbox_watch_with_nothing_ready_does_not_start_a_run(tmp_path: Path) -> None:
    from prefect.logging import disable_run_logger

    from flows.deployments import inbox_watch

    (tmp_path / "fresh.png").write_bytes(b"still being copied")
    with disable_run_logger():
        assert inbox_watch.fn(inbox=str(tmp_path / "missing")) == {"files": 0}
        assert inbox_watch.fn(inbox=str(tmp_path), min_age_seconds=3600) == {"files": 0}


def test_digitize_split_submits_each_batch_once_without_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    import prefect.deployments
    from prefect.logging import disable_run_logger

    from flows.deployments import digitize_split

    for i in range(5):
        (tmp_path / f"p{i}.png").write_bytes(b"not really an image %d" % i)
    calls: list[dict] = []

    class _Run:
        def __init__(self) -> None:
            self.id = uuid.uuid4()

    def fake_run_deployment(name: str, **kw: object) -> _Run:
        calls.append({"name": name, **kw})
        return _Run()

    monkeypatch.setattr(prefect.deployments, "run_deployment", fake_run_deployment)
    with disable_run_logger():
        out = digitize_split.fn(paths=[str(tmp_path)], batch_pages=2, db_url="sqlite:///x.db", wait=False)
    assert out["batches"] == len(calls) == 3  # unreadable files count one page each: 2 + 2 + 1
    assert all(c["name"] == BATCH_DEPLOYMENT and c["timeout"] == 0 for c in calls)
    keys = [c["idempotency_key"] for c in calls]
    assert len(set(keys)) == 3 and all(c["parameters"]["batch_id"] == c["idempotency_key"] for c in calls)
    submitted = [p for c in calls for p in c["parameters"]["paths"]]
    assert sorted(submitted) == sorted(str(tmp_path / f"p{i}.png") for i in range(5))  # each file once


def test_runner_deployments_build_offline() -> None:
    """What ``hotich serve`` hands to ``prefect.serve``: built without contacting any API."""
    from pipeline import PIPELINE_VERSION

    specs = deployment_specs(inbox="/srv/inbox", inbox_interval=300)
    deps = {
        s.name: s.flow().to_deployment(name=s.name, parameters=s.parameters, interval=s.interval,
                                       version=PIPELINE_VERSION)
        for s in specs
    }  # fmt: skip
    assert deps["inbox-watch"].schedules and deps["inbox-watch"].parameters["inbox"] == "/srv/inbox"
    assert not deps["digitize"].schedules
    assert deps["digitize-split"].parameters["batch_pages"] == 100


def test_serve_command_needs_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from hotich.commands.ops import serve_command

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    app = typer.Typer()
    app.command()(serve_command)
    res = CliRunner().invoke(app, [])
    assert res.exit_code != 0 and "PREFECT_API_URL" in res.output
