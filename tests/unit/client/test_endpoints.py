from __future__ import annotations

import pytest

from hmrc_sync.client import endpoints as ep
from hmrc_sync.client.errors import InvalidIdentifier
from hmrc_sync.errors import ConfigurationError


@pytest.mark.parametrize(
    ("endpoint", "accept", "path"),
    [
        (ep.INDIVIDUAL_TAX, "application/vnd.hmrc.1.1+json",
         "/individual-tax/sa/1234567890/annual-summary/2024-25"),
        (ep.INDIVIDUAL_INCOME, "application/vnd.hmrc.1.2+json",
         "/individual-income/sa/1234567890/annual-summary/2024-25"),
        (ep.INDIVIDUAL_EMPLOYMENT, "application/vnd.hmrc.1.2+json",
         "/individual-employment/sa/1234567890/annual-summary/2024-25"),
        (ep.INDIVIDUAL_BENEFITS, "application/vnd.hmrc.1.1+json",
         "/individual-benefits/sa/1234567890/annual-summary/2024-25"),
        (ep.NATIONAL_INSURANCE, "application/vnd.hmrc.1.1+json",
         "/national-insurance/sa/1234567890/annual-summary/2024-25"),
    ],
)  # fmt: skip
def test_annual_summary_endpoints(endpoint: ep.Endpoint, accept: str, path: str) -> None:
    assert endpoint.accept == accept
    assert endpoint.path(utr="1234567890", taxYear="2024-25") == path
    assert endpoint.api == path.split("/")[1]


def test_path_parameters_are_percent_encoded() -> None:
    assert ep.EMPLOYMENTS_LIST.path(nino="A/../B", taxYear="2024-25") == (
        "/individuals/employments-income/A%2F..%2FB/2024-25"
    )


@pytest.mark.parametrize(
    ("written", "expected"), [("1234567890", "1234567890"), ("12345 67890", "1234567890")]
)
def test_utr_forms(written: str, expected: str) -> None:
    assert ep.normalise_utr(written) == expected


@pytest.mark.parametrize("bad", ["", "123456789", "12345678901", "12345O7890", "1234567890/x"])
def test_bad_utrs_are_configuration_errors(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="HMRC_SYNC_UTR"):
        ep.normalise_utr(bad)


def test_nino_forms() -> None:
    assert ep.normalise_nino("pe 93 88 08 a") == "PE938808A"
    with pytest.raises(InvalidIdentifier, match="HMRC_SYNC_NINO"):
        ep.normalise_nino("PE938808E")


def test_employment_ids_follow_hmrcs_pattern() -> None:
    good = "4557ecb5-fd32-48cc-81f5-e6acd1099f3c"
    assert ep.check_employment_id(good) == good
    with pytest.raises(InvalidIdentifier):
        ep.check_employment_id("4557ECB5-FD32-48CC-81F5-E6ACD1099F3C")
    with pytest.raises(InvalidIdentifier):
        ep.check_employment_id("../x")


def test_fraud_feedback_api_ids() -> None:
    assert ep.check_fraud_headers_api("vat-mtd") == "vat-mtd"
    with pytest.raises(InvalidIdentifier):
        ep.check_fraud_headers_api("vat-mtd/../x")
