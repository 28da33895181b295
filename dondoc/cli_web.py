"""`dondoc serve`, `dondoc users …` and `dondoc demo`: the web app and its accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from dondoc.errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dondoc.settings import Settings
    from storage.db import Database

T = TypeVar("T")

users_app = typer.Typer(help="Accounts (tài khoản) and API tokens.", no_args_is_help=True)
ROLES = "secretariat, agency_officer, agency_head, leader, admin"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Web only (reminders run elsewhere)")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Web worker processes (2 on a 2-core machine); sessions and failed-login "
            "counts live in the database, so any worker serves any user",
        ),
    ] = 1,
) -> None:
    """Serve the web app (and, unless --no-scheduler, the embedded reminder scheduler)."""
    from dondoc.settings import get_settings

    _serve(get_settings(), host, port, scheduler=not no_scheduler, workers=workers)


def _serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    scheduler: bool,
    db: Database | None = None,
    workers: int = 1,
) -> None:
    import uvicorn

    from dondoc.settings import WeakSecretKey, check_secret_key
    from web.app import create_app

    try:
        check_secret_key(settings)
    except WeakSecretKey as exc:
        raise UserError(str(exc)) from None

    # Several workers need an import string: each process builds its app from the environment,
    # the same DONDOC_* settings `serve` read. The scheduler stays in this (supervisor) process.
    app = "web.app:create_app" if workers > 1 else create_app(settings, db)
    runner = None
    if scheduler:
        from flows.scheduler import build_scheduler

        runner = build_scheduler(settings)
        runner.start()
    try:
        uvicorn.run(
            app, host=host, port=port, log_level="info", workers=workers, factory=workers > 1
        )
    finally:
        if runner is not None:
            runner.shutdown(wait=True)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option("--role", help=ROLES)],
    agency: Annotated[str | None, typer.Option(help="Agency code or name (agency roles)")] = None,
    leader: Annotated[
        str | None, typer.Option(help="Leader's name as in directives (role leader)")
    ] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address")] = None,
    full_name: Annotated[str, typer.Option("--name", help="Full name")] = "",
    password: Annotated[str | None, typer.Option(help="Password (asked for when left out)")] = None,
) -> None:
    """Create an account; agency users need --agency, leaders --leader."""
    from directives.roles import Role
    from dondoc.cli_common import agency_id_of
    from dondoc.wiring import database
    from web.accounts import AccountError, create_user

    try:
        role_value = Role(role)
    except ValueError:
        raise UserError(f"--role {role!r}: use one of {ROLES}") from None
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with database().write() as session:
        agency_id = agency_id_of(session, agency)
        try:
            create_user(
                session,
                username,
                password,
                role_value,
                agency_id=agency_id,
                leader_name=leader,
                full_name=full_name,
                email=email,
            )
        except AccountError as exc:
            raise UserError(str(exc)) from None
    typer.echo(f"user {username} created ({role_value})")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The account the program acts as")],
    name: Annotated[str, typer.Option("--name", help="What the token is for")],
) -> None:
    """Create an API token (shown once; only its SHA-256 hash is stored)."""
    from dondoc.wiring import database
    from web.accounts import AccountError, create_token

    with database().write() as session:
        try:
            token = create_token(session, username, name)
        except AccountError as exc:
            raise UserError(str(exc)) from None
    typer.echo(token)


def _account_change(change: Callable[[Session], T]) -> T:
    """One change of web.accounts in a write transaction; its AccountError as a UserError."""
    from dondoc.wiring import database
    from web.accounts import AccountError

    with database().write() as session:
        try:
            return change(session)
        except AccountError as exc:
            raise UserError(str(exc)) from None


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable an account: its sessions and API tokens end at once."""
    from web.accounts import disable_user

    ended, revoked = _account_change(lambda s: disable_user(s, username))
    typer.echo(f"user {username} disabled; {ended} sessions ended, {revoked} API tokens revoked")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Enable a disabled account again (it logs in anew; old tokens stay revoked)."""
    from web.accounts import enable_user

    _account_change(lambda s: enable_user(s, username))
    typer.echo(f"user {username} enabled")


@users_app.command("logout")
def users_logout(username: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """End every session of an account (each browser must log in again)."""
    from web.accounts import end_sessions

    ended = _account_change(lambda s: end_sessions(s, username))
    typer.echo(f"user {username}: {ended} sessions ended")


@users_app.command("revoke-token")
def users_revoke_token(
    username: Annotated[str, typer.Argument(help="Login name")],
    name: Annotated[
        str | None, typer.Option("--name", help="The token's name (all tokens when left out)")
    ] = None,
) -> None:
    """Revoke API tokens of an account: programs using them get 401 from the next call."""
    from web.accounts import revoke_tokens

    revoked = _account_change(lambda s: revoke_tokens(s, username, name))
    if not revoked:
        raise UserError(f"user {username} has no API token" + (f" named {name!r}" if name else ""))
    typer.echo(f"user {username}: {revoked} API tokens revoked")


def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where everything is written")] = Path(
        "demo"
    ),
    port: Annotated[int, typer.Option(help="Port to serve on")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Write everything, then exit")
    ] = False,
) -> None:
    """The whole loop on a fresh SQLite file: register, report, remind, rollup; then serve."""
    from dondoc.demo import run_demo

    base_url = f"http://127.0.0.1:{port}"
    result, settings = run_demo(folder, base_url)
    typer.echo(f"database: {result.database_url} ({result.tasks} tasks)")
    sent = sum(s.get("digests", 0) for s in result.sweeps)
    typer.echo(
        f"reminder sweeps: {len(result.sweeps)}, digests {sent}, mails received {result.mails}"
    )
    typer.echo(f"mail kept in {folder / 'mail'}")
    for path in result.files:
        typer.echo(f"report: {path}")
    typer.echo("accounts (username / password / role):")
    for username, password, role in result.accounts:
        typer.echo(f"  {username:10} {password:15} {role}")
    if no_serve:
        return
    typer.echo(f"log in at {base_url}/login  (API docs: {base_url}/api/docs); Ctrl-C to stop")
    _serve(settings, "127.0.0.1", port, scheduler=False)


def register_commands(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.command("demo")(demo)
