"""Payslips and P60s: typed values, CSV files, the three sources, and the CSV importer.

* ``Payslip`` / ``P60``: frozen dataclasses, money as ``Decimal``, tax years as ``TaxYear``.
* ``make_payslip_source(settings, engine)``: the source ``HMRC_SYNC_PAYSLIP_SOURCE`` names
  (``table``, ``payslip-ingest`` or ``csv``), each a ``PayslipSource``.
* ``import_payslips_csv`` / ``import_p60_csv``: all-or-nothing, idempotent imports into
  hmrc-sync's own tables.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports
from hmrc_sync.payslips.model import P60, Payslip, PayslipFileError, RowProblem

if TYPE_CHECKING:
    from hmrc_sync.payslips.csvfile import CsvRows, read_p60_csv, read_payslips_csv
    from hmrc_sync.payslips.importer import ImportReport, import_p60_csv, import_payslips_csv
    from hmrc_sync.payslips.sources import (
        CsvSource,
        PayslipIngestSource,
        PayslipSource,
        TableSource,
        make_payslip_source,
    )

_LAZY = {
    "CsvRows": "hmrc_sync.payslips.csvfile",
    "CsvSource": "hmrc_sync.payslips.sources",
    "ImportReport": "hmrc_sync.payslips.importer",
    "PayslipIngestSource": "hmrc_sync.payslips.sources",
    "PayslipSource": "hmrc_sync.payslips.sources",
    "TableSource": "hmrc_sync.payslips.sources",
    "import_p60_csv": "hmrc_sync.payslips.importer",
    "import_payslips_csv": "hmrc_sync.payslips.importer",
    "make_payslip_source": "hmrc_sync.payslips.sources",
    "read_p60_csv": "hmrc_sync.payslips.csvfile",
    "read_payslips_csv": "hmrc_sync.payslips.csvfile",
}
__getattr__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "P60",
    "CsvRows",
    "CsvSource",
    "ImportReport",
    "Payslip",
    "PayslipFileError",
    "PayslipIngestSource",
    "PayslipSource",
    "RowProblem",
    "TableSource",
    "import_p60_csv",
    "import_payslips_csv",
    "make_payslip_source",
    "read_p60_csv",
    "read_payslips_csv",
]
