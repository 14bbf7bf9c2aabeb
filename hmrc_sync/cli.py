"""The ``hmrc-sync`` command line. Thin: parse, call a service, print, exit.

Every ``HmrcSyncError`` becomes a one-line message on stderr and the error's exit code.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from typing import Any, Final

import click

from hmrc_sync import __version__
from hmrc_sync.commands.exits import DATABASE_URL_META, exit_with_error
from hmrc_sync.errors import DatabaseError, HmrcSyncError, TokenStoreError

# Each command is imported only when it runs (or when its own --help is asked for): listing
# them uses SUMMARIES, so `hmrc-sync --help` and shell completion import no command module,
# and a `sync` started by a CronJob never pays for the web framework or the emulator.
COMMANDS: Final = {
    "config": "hmrc_sync.commands.config:config_command",
    "migrate": "hmrc_sync.commands.db:migrate",
    "status": "hmrc_sync.commands.db:status",
    "sync": "hmrc_sync.commands.sync:sync",
    "auth": "hmrc_sync.commands.auth:auth",
    "serve": "hmrc_sync.commands.serve:serve",
    "emulator": "hmrc_sync.commands.emulator:emulator_command",
    "demo": "hmrc_sync.commands.demo:demo",
    "fraud-headers": "hmrc_sync.commands.fraud:fraud_headers",
    "reconcile": "hmrc_sync.commands.reconcile:reconcile",
    "payslips": "hmrc_sync.commands.payslips:payslips",
    "position": "hmrc_sync.commands.position:position",
}
# One line per command for the top-level help (a test checks every command has one).
SUMMARIES: Final = {
    "auth": "Grant hmrc-sync access to your HMRC records, check the grant, or remove it.",
    "config": "Show each setting's value (secrets masked) and where it came from.",
    "demo": "Run the whole main job against an in-process emulator, in its own database.",
    "emulator": "Run a local HMRC emulator with a ready test user.",
    "fraud-headers": "Print the fraud-prevention headers hmrc-sync would send.",
    "migrate": "Create or upgrade hmrc-sync's tables to the latest version.",
    "payslips": "Import payslips and P60s, or list what is stored.",
    "position": "Estimate where each tax year will end: a refund, a bill, or about right.",
    "reconcile": "Reconcile HMRC's figures with your payslips and P60s.",
    "serve": "Run the web service (owner sign-in, status page, sync webhook).",
    "status": "Show the database, its migrations, the grant and the last sync.",
    "sync": "Fetch HMRC's figures for each tax year into append-only snapshots.",
}


# Where -v/--verbose or -q/--quiet leaves its choice (ctx.meta is shared by every nested
# context); ``hmrc_sync.commands.common.make_container`` hands it to ``configure_logging``.
LOG_LEVEL_KEY: Final = "hmrc_sync.log_level"


def _remember_level(level: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    def remember(ctx: click.Context, _param: click.Parameter, given: bool) -> None:
        if not given:
            return
        if ctx.meta.get(LOG_LEVEL_KEY, level) != level:
            raise click.UsageError("-v/--verbose and -q/--quiet contradict each other: pick one")
        ctx.meta[LOG_LEVEL_KEY] = level

    return remember


def log_options() -> list[click.Option]:
    """``-v/--verbose`` and ``-q/--quiet``: every command and subcommand takes them."""
    return [
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_remember_level("debug"),
            help="Log everything, debug lines included (as HMRC_SYNC_LOG_LEVEL=debug).",
        ),
        click.Option(
            ["-q", "--quiet"],
            is_flag=True,
            expose_value=False,
            callback=_remember_level("error"),
            help="Log errors only and show no progress (as HMRC_SYNC_LOG_LEVEL=error).",
        ),
    ]


def with_log_options(command: click.Command) -> click.Command:
    """``command`` and its subcommands, each taking ``-v``/``-q`` (once)."""
    if not any(param.name == "verbose" for param in command.params):
        command.params.extend(log_options())
    if isinstance(command, click.Group):
        context = click.Context(command)  # a group may load its subcommands lazily too
        for name in command.list_commands(context):
            if (subcommand := command.get_command(context, name)) is not None:
                with_log_options(subcommand)
    return command


def chosen_log_level(ctx: click.Context | None = None) -> str | None:
    """``debug`` after -v, ``error`` after -q, else None (the settings decide)."""
    context = ctx or click.get_current_context(silent=True)
    return None if context is None else context.meta.get(LOG_LEVEL_KEY)


class HmrcSyncGroup(click.Group):
    """Loads commands lazily and turns hmrc-sync's own errors into clean messages with their
    exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module_name, _, attribute = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module_name), attribute)
            assert isinstance(command, click.Command)
            self.add_command(with_log_options(command), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from ``SUMMARIES``, without importing any command."""
        rows = [
            (name, SUMMARIES.get(name) or self._loaded_summary(ctx, name))
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(
        self, ctx: click.Context, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        """Command names (with ``SUMMARIES`` as their help, for zsh and fish) without
        importing the commands, then the group's own options."""
        from click.shell_completion import CompletionItem

        items = [
            CompletionItem(name, help=SUMMARIES.get(name) or self._loaded_summary(ctx, name))
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        return items + click.Command.shell_complete(self, ctx, incomplete)

    def _loaded_summary(self, ctx: click.Context, name: str) -> str:
        command = self.get_command(ctx, name)
        return command.get_short_help_str(limit=200) if command is not None else ""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint} See 'hmrc-sync --help'.")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HmrcSyncError as error:
            exit_with_error(error)
        except Exception as error:
            translated = _infrastructure_error(error)
            if translated is None:
                raise
            exit_with_error(translated)


def _infrastructure_error(error: Exception) -> HmrcSyncError | None:
    """A database or Vault failure that escaped the services, as a clean error (the driver's
    text only scrubbed of the URL's secrets). Told apart by module, so that a plain ``--help``
    (click ends it with an exception too) imports no database driver."""
    if type(error).__module__.startswith("sqlalchemy"):
        context = click.get_current_context(silent=True)
        raw_url = context.meta.get(DATABASE_URL_META) if context is not None else None
        if isinstance(raw_url, str):
            from hmrc_sync.db.engine import database_error

            return database_error(error, raw_url, "running the command")
        return DatabaseError(
            f"the database failed ({type(error).__name__}); check HMRC_SYNC_DATABASE_URL and "
            "that the database is up and migrated (`hmrc-sync migrate`), then run again"
        )
    if type(error).__module__.startswith(("hvac", "requests")):
        return TokenStoreError(
            f"Vault failed ({type(error).__name__}); check VAULT_ADDR, the token or role, and "
            "the policy (`hmrc-sync auth status`), then run again"
        )
    return None


@click.group(
    cls=HmrcSyncGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    params=log_options(),
)
@click.version_option(__version__, "--version", prog_name="hmrc-sync")
def cli() -> None:
    """hmrc-sync keeps an audited record of what HMRC holds about your pay and tax,
    reconciled against your payslips.

    Configuration comes from HMRC_SYNC_* environment variables, a .env file in the working
    directory, or ~/.config/hmrc-sync/config.env; `hmrc-sync config` shows what is in use.
    """


def main() -> None:
    cli(prog_name="hmrc-sync")
