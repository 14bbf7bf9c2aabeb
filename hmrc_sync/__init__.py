"""hmrc-sync: a durable, audited record of what HMRC holds about your pay and tax.

The map of the packages is ``docs/architecture.md``.
"""

import importlib
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("hmrc-sync")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each name from its module on first use.

    A package whose ``__init__`` re-exports both pure values and I/O code uses it, so that
    importing a pure submodule (``hmrc_sync.sync.model``) does not import the database layer
    through the package's ``__init__``. ``exports`` maps each name to the module defining it;
    the package also imports them under ``TYPE_CHECKING`` so the type checker sees them.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__


__all__ = ["__version__", "lazy_exports"]
