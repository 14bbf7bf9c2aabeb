"""hmrc-sync: a durable, audited record of what HMRC holds about your pay and tax."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hmrc-sync")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
