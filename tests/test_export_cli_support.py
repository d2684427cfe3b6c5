"""CLI harness for the export / audit / report tests (no tests here): the typer functions of
hotich/commands/export.py registered on a local app, the way hotich/cli.py registers them."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hotich.commands.export import audit_app, export_command, report_command, verify_export_command


def make_app() -> typer.Typer:
    app = typer.Typer()
    app.command("export")(export_command)
    app.command("verify-export")(verify_export_command)
    app.command("report")(report_command)
    app.add_typer(audit_app, name="audit")
    return app


def invoke(*args: str):
    return CliRunner().invoke(make_app(), list(args), catch_exceptions=False)


@pytest.fixture
def page_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page store the export reads ($HOTICH_PAGE_STORE; settings are cached, so cleared around)."""
    from hotich.settings import get_settings

    ps = tmp_path / "page_store"
    monkeypatch.setenv("HOTICH_PAGE_STORE", str(ps))
    get_settings.cache_clear()
    yield ps
    get_settings.cache_clear()
