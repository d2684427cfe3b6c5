"""``hotich review`` (serve the reviewers' web app) and ``hotich users add|list|disable``.

The lead registers them in hotich/cli.py:
``app.command("review")(review_command)`` and ``app.add_typer(users_app, name="users")``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

__all__ = ["review_command", "users_app"]

DbOption = Annotated[str | None, typer.Option("--db", help="SQLAlchemy URL (default $HOTICH_DB_URL)")]
users_app = typer.Typer(
    help="Accounts of the review app (reviewer, operator, auditor, admin).", no_args_is_help=True
)


def _store(db: str | None):  # type: ignore[no-untyped-def]
    from hotich.settings import get_settings
    from store import Store

    s = Store(db or get_settings().db_url)
    s.migrate()
    return s


def review_command(
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback unless told otherwise)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
) -> None:
    """Serve the review web app. Needs HOTICH_SECRET_KEY in the environment (no default)."""
    import uvicorn

    from review import ConfigError, ReviewConfig, create_app

    try:
        config = ReviewConfig.from_env()
    except ConfigError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: listening on {host}: put TLS in front (cookies are Secure)", err=True)
    app = create_app(config)
    # no proxy headers: the client address feeds the login rate limit and must not be spoofable
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False, log_level="info")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="login name: letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", help="reviewer | operator | auditor | admin")] = "reviewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create an account; the password is asked twice (hidden) and stored as an Argon2id hash."""
    from review import UserError, add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(_store(db), name, role, password)
    except UserError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(1) from e
    typer.echo(f"added {name} ({role})")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List accounts (name, role, state)."""
    from review import list_users

    for u in list_users(_store(db)):
        state = "disabled" if u["disabled"] else "active"
        typer.echo(f"{u['name']}\t{u['role']}\t{state}\t{u['created_at']:%Y-%m-%d}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Disable an account and end its sessions (accounts are never deleted: events name them)."""
    from review import disable_user

    if not disable_user(_store(db), name):
        typer.echo(f"error: no enabled user {name!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"disabled {name}")
