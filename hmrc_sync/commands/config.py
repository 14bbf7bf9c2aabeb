"""``config``: every setting's value (secrets masked) and where it came from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click


def _shown(name: str, value: Any) -> str:
    from pydantic import SecretStr

    from hmrc_sync.db.urls import mask_database_url

    if value is None or value == ():
        return "(not set)"
    if isinstance(value, SecretStr):
        return "********" if value.get_secret_value() else "(empty)"
    if name == "database_url":
        return mask_database_url(str(value))
    if isinstance(value, tuple):
        return " ".join(str(item) for item in value)
    if isinstance(value, Path | str):
        return str(value)
    return str(getattr(value, "value", value))


@click.command("config")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def config_command(as_json: bool) -> None:
    """Show each setting's value (secrets and database passwords masked) and where it came
    from: the environment, the working directory's .env, your config.env
    (~/.config/hmrc-sync/config.env on Linux) or the default.

    \b
    Examples:
      hmrc-sync config
      hmrc-sync config --json
    """
    from hmrc_sync.commands.common import configured_settings
    from hmrc_sync.settings import ENV_PREFIX, config_env_file, setting_sources

    settings = configured_settings()
    sources = setting_sources(os.environ)
    rows = [
        {
            "setting": f"{ENV_PREFIX}{name.upper()}",
            "value": _shown(name, getattr(settings, name)),
            "source": sources.get(name, "default"),
        }
        for name in type(settings).model_fields
    ]
    if as_json:
        click.echo(json.dumps({"config_file": str(config_env_file()), "settings": rows}, indent=2))
        return
    width = max(len(row["setting"]) for row in rows)
    for row in rows:
        click.echo(f"{row['setting']:<{width}}  {row['value']}  [{row['source']}]")
    click.echo(f"\nSettings file: {config_env_file()} (then ./.env, then the environment)")
