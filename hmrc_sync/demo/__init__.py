"""``hmrc-sync demo``: the whole product on a laptop, against the in-process emulator.

* ``run``: start the emulator, create a test user, seed tax years, grant access, sync,
  import sample payslips and reconcile;
* ``sample_payslips``: a year of payslips computed with HMRC's PAYE and NI rules.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports

if TYPE_CHECKING:
    from hmrc_sync.demo.run import DemoResult, demo_settings, run_demo

_LAZY = {
    "DemoResult": "hmrc_sync.demo.run",
    "demo_settings": "hmrc_sync.demo.run",
    "run_demo": "hmrc_sync.demo.run",
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = ["DemoResult", "demo_settings", "run_demo"]
