"""Operations commands: ``hotich server`` (a persistent Prefect server) and ``hotich serve`` (run deployments).

The lead registers them in ``hotich/cli.py``::

    app.command("server")(server_command)
    app.command("serve")(serve_command)

``hotich server`` is ``prefect server start`` with the project's settings: analytics off, a
``PREFECT_HOME`` of its own, and optionally PostgreSQL for Prefect's state (the records database is a
separate one: ``HOTICH_DB_URL``). ``hotich serve`` runs the deployments of ``flows/deployments.py``,
either in this process (one machine) or as a worker of a work pool (any number of machines).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["prefect_db_url", "serve_command", "server_argv", "server_command", "server_env"]


def prefect_db_url(url: str) -> str:
    """The records-style SQLAlchemy URL turned into the async driver Prefect's server needs.

    ``postgresql://`` / ``postgresql+psycopg://`` -> ``postgresql+asyncpg://``;
    ``sqlite:///x.db`` -> ``sqlite+aiosqlite:///x.db``. Other URLs pass through unchanged.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    base = scheme.split("+", 1)[0]
    if base in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    if base == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    return url


def server_env(home: Path | None = None, db_url: str | None = None) -> dict[str, str]:
    """Environment for the Prefect server and everything talking to it (only what we set)."""
    env = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # never phone home (it is on by default)
    }
    if home is not None:
        env["PREFECT_HOME"] = str(Path(home).resolve())
    if db_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = prefect_db_url(db_url)
    return env


def server_argv(host: str, port: int, ui: bool = True, services: bool = True, workers: int = 1) -> list[str]:
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    argv = [prefect, "server", "start", "--host", host, "--port", str(port), "--analytics-off"]
    if not ui:
        argv.append("--no-ui")
    if not services:
        argv.append("--no-services")  # API replicas behind a balancer: services run once, elsewhere
    if workers > 1:
        argv += ["--workers", str(workers)]  # several API processes: needs PostgreSQL (+ Redis, see docs)
    return argv


def server_command(
    host: Annotated[
        str, typer.Option(help="address to listen on (0.0.0.0 for other machines)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port of the API and UI")] = 4200,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Prefect's own database (default $PREFECT_API_DATABASE_CONNECTION_URL, "
            "else SQLite in PREFECT_HOME); postgresql://... recommended",
        ),
    ] = None,  # fmt: skip
    home: Annotated[
        Path | None, typer.Option(help="PREFECT_HOME (default $PREFECT_HOME, else ~/.prefect)")
    ] = None,
    ui: Annotated[bool, typer.Option(help="serve the Prefect UI")] = True,
    services: Annotated[bool, typer.Option(help="run the scheduler and other loop services here")] = True,
    api_workers: Annotated[int, typer.Option("--api-workers", min=1, help="API server processes")] = 1,
    print_only: Annotated[
        bool, typer.Option("--print", help="print the environment and command, do not start")
    ] = False,
) -> None:
    """Start a persistent Prefect server with the project's settings (foreground; run it under systemd)."""
    db = db or os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")
    home = home or (Path(os.environ["PREFECT_HOME"]) if os.environ.get("PREFECT_HOME") else None)
    env = server_env(home, db)
    argv = server_argv(host, port, ui, services, api_workers)
    if print_only:
        for k, v in sorted(env.items()):
            typer.echo(f"{k}={_mask(v)}")
        typer.echo(" ".join(argv))
        return
    typer.echo(f"Prefect API on http://{host}:{port}/api — workers and clients set PREFECT_API_URL to it")
    os.execvpe(argv[0], argv, {**os.environ, **env})  # replace this process: signals go straight to Prefect


def _mask(value: str) -> str:
    """Hide a password in a URL when printing it."""
    scheme, sep, rest = value.partition("://")
    if sep and "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        return f"{scheme}://{user}:***@{rest.split('@', 1)[1]}"
    return value


def serve_command(
    pool: Annotated[
        str | None,
        typer.Option(
            help="start a worker for this process work pool (else serve the deployments in this process)"
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="flow runs at once (a worker's run limit)")] = 1,
    name: Annotated[str | None, typer.Option(help="worker name (default: host name)")] = None,
    deploy: Annotated[
        bool, typer.Option(help="with --pool: (re)register the deployments to the pool first")
    ] = False,
    inbox: Annotated[str | None, typer.Option(help="inbox folder of the inbox-watch deployment")] = None,
    inbox_interval: Annotated[float, typer.Option(help="seconds between inbox scans")] = 300.0,
) -> None:
    """Run the deployments: in this process, or as a worker pulling flow runs from a work pool."""
    if not os.environ.get("PREFECT_API_URL"):
        raise typer.BadParameter("set PREFECT_API_URL to the server started with `hotich server`")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from flows.deployments import deploy_all, deployment_specs, serve_all

    specs = deployment_specs(inbox=inbox, inbox_interval=inbox_interval)
    if pool is None:
        typer.echo(f"serving {', '.join(s.name for s in specs)} (Ctrl-C to stop)")
        serve_all(specs, limit=limit)
        return
    if deploy:
        _ensure_pool(pool)
        deploy_all(pool, specs)
        typer.echo(f"deployed {', '.join(s.name for s in specs)} to pool {pool}")
    prefect = shutil.which("prefect", path=str(Path(sys.executable).parent)) or "prefect"
    argv = [prefect, "worker", "start", "--pool", pool, "--type", "process", "--limit", str(limit)]
    if name:
        argv += ["--name", name]
    os.execvp(argv[0], argv)


def _ensure_pool(pool: str) -> None:
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
