"""A strict local copy of the parts of HMRC's platform hmrc-sync uses (see ``design.md``).

``create_emulator_app(config, clock=...)`` builds the ASGI app; nothing is built at import.
"""

from hmrc_sync.emulator.app import create_emulator_app
from hmrc_sync.emulator.config import ApplicationConfig, EmulatorConfig, FaultConfig

__all__ = ["ApplicationConfig", "EmulatorConfig", "FaultConfig", "create_emulator_app"]
