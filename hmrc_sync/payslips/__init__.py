"""Payslips and P60s: typed values, CSV files, the three sources, and the CSV importer.

* ``Payslip`` / ``P60``: frozen dataclasses, money as ``Decimal``, tax years as ``TaxYear``.
* ``make_payslip_source(settings, engine)``: the source ``HMRC_SYNC_PAYSLIP_SOURCE`` names
  (``table``, ``payslip-ingest`` or ``csv``), each a ``PayslipSource``.
* ``import_payslips_csv`` / ``import_p60_csv``: all-or-nothing, idempotent imports into
  hmrc-sync's own tables.
"""

from hmrc_sync.payslips.csvfile import CsvRows, read_p60_csv, read_payslips_csv
from hmrc_sync.payslips.importer import ImportReport, import_p60_csv, import_payslips_csv
from hmrc_sync.payslips.model import P60, Payslip, PayslipFileError, RowProblem
from hmrc_sync.payslips.sources import (
    CsvSource,
    PayslipIngestSource,
    PayslipSource,
    TableSource,
    make_payslip_source,
)

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
