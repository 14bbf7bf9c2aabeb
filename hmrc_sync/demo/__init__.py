"""``hmrc-sync demo``: the whole product on a laptop, against the in-process emulator.

* ``run``: start the emulator, create a test user, seed tax years, grant access, sync,
  import sample payslips and reconcile;
* ``sample_payslips``: a year of payslips computed with HMRC's PAYE and NI rules.
"""
