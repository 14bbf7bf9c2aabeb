"""What hmrc-sync accepts, read from the code itself: its commands and its environment variables.

The deploy files (Dockerfile, Terraform stack, Kubernetes manifests, workflows) are checked
against these, so a renamed command, option or setting breaks a test instead of a deployment.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Final

import click
import pytest
from pydantic import AliasChoices

from hmrc_sync.settings import ENV_PREFIX, Settings

REPO_ROOT: Final = Path(__file__).resolve().parents[3]
DEPLOY: Final = REPO_ROOT / "deploy"

# Variables the deploy files set that hmrc-sync does not read yet, each with the change that
# will make it read them. A test over such a variable is an expected failure (strict), so it
# turns red the day the setting lands and this entry must go.
AWAITED_VARIABLES: Final[Mapping[str, str]] = {}

# The two spellings of the program in a container: the console script and the module.
PROGRAM_PREFIXES: Final = (("hmrc-sync",), ("python", "-m", "hmrc_sync"))


class InvalidInvocation(AssertionError):
    """A command line that hmrc-sync would reject."""


@cache
def accepted_variables() -> frozenset[str]:
    """Every environment variable ``Settings`` reads (upper case; prefix and aliases)."""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{ENV_PREFIX}{field_name}".upper())
    return frozenset(names)


def variable_param(name: str) -> object:
    """A pytest parameter for one variable: an expected failure if it is still awaited."""
    if name in AWAITED_VARIABLES:
        return pytest.param(
            name, marks=pytest.mark.xfail(reason=AWAITED_VARIABLES[name], strict=True)
        )
    return pytest.param(name)


def settings_from_environment(
    monkeypatch: pytest.MonkeyPatch, environment: Mapping[str, str]
) -> Settings:
    """``Settings`` as hmrc-sync would build them in a container with ``environment``."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Settings()


def strip_program(argv: Sequence[str]) -> list[str]:
    """The arguments after ``hmrc-sync`` or ``python -m hmrc_sync``; fails for anything else."""
    for prefix in PROGRAM_PREFIXES:
        if tuple(argv[: len(prefix)]) == prefix:
            return list(argv[len(prefix) :])
    raise InvalidInvocation(f"{' '.join(argv)!r} does not start hmrc-sync")


def check_invocation(args: Sequence[str]) -> list[str]:
    """Parse ``args`` (after the program name) exactly as the CLI would, without running it.

    Returns the command path (e.g. ``["sync"]``); raises ``InvalidInvocation`` for an unknown
    command or option, or a value the option refuses.
    """
    from hmrc_sync.cli import cli

    command: click.Command = cli
    context = click.Context(cli, info_name="hmrc-sync")
    path: list[str] = []
    remaining = list(args)
    while True:
        if remaining and remaining[0] in ("--help", "-h", "--version"):
            option = remaining[0]
            known = {name for param in command.get_params(context) for name in param.opts}
            if option not in known or len(remaining) != 1:
                raise InvalidInvocation(f"{' '.join(args)!r}: {option} is not accepted here")
            return path
        if isinstance(command, click.Group):
            if not remaining:
                raise InvalidInvocation(f"{' '.join(args)!r} names no command")
            name, *remaining = remaining
            sub = command.get_command(context, name)
            if sub is None:
                raise InvalidInvocation(f"{' '.join(args)!r}: hmrc-sync has no command {name!r}")
            path.append(name)
            context = click.Context(sub, info_name=name, parent=context)
            command = sub
            continue
        try:
            parsed = command.make_context(path[-1], list(remaining), parent=context.parent)
        except click.ClickException as exc:
            raise InvalidInvocation(f"{' '.join(args)!r}: {exc.format_message()}") from None
        del parsed  # click checked every value, --tax-year included (TaxYearsParam)
        return path


def check_argv(argv: Sequence[str]) -> list[str]:
    """``check_invocation`` for a whole command line (program name included)."""
    return check_invocation(strip_program(argv))


def console_scripts() -> dict[str, str]:
    with (REPO_ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    return dict(project.get("scripts", {}))


def app_routes() -> frozenset[str]:
    """The paths the web service's routers declare (read from the code, nothing started)."""
    import importlib
    import pkgutil

    import hmrc_sync.app.routes as routes_package

    paths: set[str] = set()
    for module_info in pkgutil.iter_modules(routes_package.__path__):
        module = importlib.import_module(f"{routes_package.__name__}.{module_info.name}")
        router = getattr(module, "router", None)
        for route in getattr(router, "routes", ()):
            path = getattr(route, "path", None)
            if isinstance(path, str):
                paths.add(path)
    return frozenset(paths)
