"""What the emulator serves: HMRC's APIs, their versions, access rules and scopes.

Facts from HMRC's published definitions (``../shared/hmrc-fixtures``): each API's context,
the ``Accept`` versions it answers, whether it is user- or application-restricted and the
scope its endpoints need. The subscription key of an API is its ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Access = Literal["user", "application"]

INDIVIDUAL_TAX: Final = "individual-tax"
INDIVIDUAL_INCOME: Final = "individual-income"
INDIVIDUAL_EMPLOYMENT: Final = "individual-employment"
INDIVIDUAL_BENEFITS: Final = "individual-benefits"
NATIONAL_INSURANCE: Final = "national-insurance"
EMPLOYMENTS_INCOME: Final = "individuals-employments-income"
CREATE_TEST_USER: Final = "create-test-user"
PAYE_TEST_SUPPORT: Final = "individual-paye-test-support"
NI_TEST_SUPPORT: Final = "national-insurance-test-support"
FRAUD_VALIDATOR: Final = "txm-fph-validator-api"
EMULATOR_TEST_SUPPORT: Final = "emulator-test-support"


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """One HMRC API as the gateway sees it."""

    name: str
    title: str
    versions: frozenset[str]
    access: Access
    scope: str | None = None
    # Read APIs get the fault injection (error rate, 429 bursts); test support does not.
    read_api: bool = False
    # Emulator-only endpoints are neither subscribed to nor rate limited.
    emulator_only: bool = False
    # Ids accepted by the fraud-prevention validation-feedback endpoint for this API.
    feedback_ids: tuple[str, ...] = ()


APIS: Final[dict[str, ApiSpec]] = {
    spec.name: spec
    for spec in (
        ApiSpec(
            INDIVIDUAL_TAX,
            "Individual Tax",
            frozenset({"1.1"}),
            "user",
            "read:individual-tax",
            read_api=True,
            feedback_ids=(INDIVIDUAL_TAX,),
        ),
        ApiSpec(
            INDIVIDUAL_INCOME,
            "Individual Income",
            frozenset({"1.2"}),
            "user",
            "read:individual-income",
            read_api=True,
            feedback_ids=(INDIVIDUAL_INCOME,),
        ),
        ApiSpec(
            INDIVIDUAL_EMPLOYMENT,
            "Individual Employment",
            frozenset({"1.2"}),
            "user",
            "read:individual-employment",
            read_api=True,
            feedback_ids=(INDIVIDUAL_EMPLOYMENT,),
        ),
        ApiSpec(
            INDIVIDUAL_BENEFITS,
            "Individual Benefits",
            frozenset({"1.1"}),
            "user",
            "read:individual-benefits",
            read_api=True,
            feedback_ids=(INDIVIDUAL_BENEFITS,),
        ),
        ApiSpec(
            NATIONAL_INSURANCE,
            "National Insurance",
            frozenset({"1.1"}),
            "user",
            "read:national-insurance",
            read_api=True,
            feedback_ids=(NATIONAL_INSURANCE,),
        ),
        ApiSpec(
            EMPLOYMENTS_INCOME,
            "Individuals Employments Income (MTD)",
            frozenset({"2.0"}),
            "user",
            "read:self-assessment",
            read_api=True,
            feedback_ids=("individuals-employments-income-mtd", EMPLOYMENTS_INCOME),
        ),
        ApiSpec(CREATE_TEST_USER, "Create Test User", frozenset({"1.0"}), "application"),
        # hmrc/paye-des-stub accepts 1.0 and 2.0 on these four POSTs.
        ApiSpec(
            PAYE_TEST_SUPPORT,
            "Individual PAYE Test Support",
            frozenset({"1.0", "2.0"}),
            "application",
        ),
        # hmrc/national-insurance-des-stub accepts 1.0 and 1.1.
        ApiSpec(
            NI_TEST_SUPPORT,
            "National Insurance Test Support",
            frozenset({"1.0", "1.1"}),
            "application",
        ),
        ApiSpec(
            FRAUD_VALIDATOR, "Test Fraud Prevention Headers", frozenset({"1.0"}), "application"
        ),
        ApiSpec(
            EMULATOR_TEST_SUPPORT,
            "Emulator test support (not HMRC)",
            frozenset({"1.0"}),
            "application",
            emulator_only=True,
        ),
    )
}

# Every API an application can subscribe to (the emulator's own test support needs none).
SUBSCRIBABLE: Final = frozenset(name for name, spec in APIS.items() if not spec.emulator_only)

# The annual-summary APIs whose test data HMRC's test-support APIs create, by the path word
# the Individual PAYE Test Support API uses for each.
TEST_SUPPORT_WORDS: Final[dict[str, str]] = {
    "tax": INDIVIDUAL_TAX,
    "income": INDIVIDUAL_INCOME,
    "employments": INDIVIDUAL_EMPLOYMENT,
    "benefits": INDIVIDUAL_BENEFITS,
}
ANNUAL_SUMMARY_APIS: Final = (
    INDIVIDUAL_TAX,
    INDIVIDUAL_INCOME,
    INDIVIDUAL_EMPLOYMENT,
    INDIVIDUAL_BENEFITS,
    NATIONAL_INSURANCE,
)

# HMRC's scope catalogue (hmrc/api-scope conf/scopes.json): the names shown on the grant page.
SCOPES: Final[dict[str, str]] = {
    "read:individual-tax": "access tax account information",
    "read:individual-income": "access income information",
    "read:individual-employment": "access employment information",
    "read:individual-benefits": "access benefits information",
    "read:national-insurance": "access national insurance information",
    "read:self-assessment": "View your Self Assessment information",
    "write:self-assessment": "Change your Self Assessment information",
    "hello": "Say Hello",
}

# Service keys of the Create Test User API for individuals (hmrc/api-platform-test-user).
INDIVIDUAL_SERVICES: Final[dict[str, str]] = {
    "national-insurance": "National Insurance",
    "self-assessment": "Self Assessment",
    "mtd-income-tax": "Making Tax Digital Income Tax",
    "customs-services": "Customs Services",
    "goods-vehicle-movements": "Goods Vehicle Movements",
    "import-control-system": "Import Control System",
    "mtd-vat": "Making Tax Digital VAT",
    "common-transit-convention-traders": "Common Transit Convention Traders",
    "common-transit-convention-traders-legacy": "Common Transit Convention Traders Legacy",
}
EORI_SERVICES: Final = frozenset(
    {
        "customs-services",
        "goods-vehicle-movements",
        "import-control-system",
        "common-transit-convention-traders",
        "common-transit-convention-traders-legacy",
    }
)


def api_for_feedback_id(api_id: str) -> ApiSpec | None:
    """The API a validation-feedback ``{api}`` path segment names, if the emulator serves it."""
    for spec in APIS.values():
        if api_id in spec.feedback_ids:
            return spec
    return None
