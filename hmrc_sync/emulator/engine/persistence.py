"""The emulator's files, atomically: the state file (``--state FILE``) and the seed file
(``--seed FILE``). Only file I/O lives here: the state serialises itself
(``Emulator.to_json``/``load_json`` in ``state``) and ``seeding`` applies a seed.

State file: JSON written atomically after every change, holding applications, users (password
hashes only), grants and access tokens (SHA-256 hashes only), test data, availability and
the clock offset. Sign-in sessions, pending authorizations and codes are not kept. The seed
file's format is in ``seeding``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from hmrc_sync import jsonio

STATE_VERSION = 1


class SeedError(ValueError):
    """A seed file the emulator cannot apply; the message says where."""


def write_state(path: Path, data: dict[str, Any]) -> None:
    """Write the state file atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".emulator-state-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(jsonio.dumps({"version": STATE_VERSION, **data}))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_state(path: Path) -> dict[str, Any]:
    data = jsonio.loads(path.read_bytes())
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(f"{path} is not an emulator state file (version {STATE_VERSION})")
    return data


def read_seed(path: Path) -> dict[str, Any]:
    try:
        data = jsonio.loads(path.read_bytes())
    except (OSError, jsonio.JsonError) as error:
        raise SeedError(f"cannot read it: {error}") from None
    if not isinstance(data, dict):
        raise SeedError("the file must hold a JSON object with applications and users")
    return data
