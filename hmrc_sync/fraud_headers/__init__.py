"""HMRC's fraud-prevention headers (specification 3.3): model, encoding, builders, rules,
validator — all pure — and the one module that reads the machine, ``collector``.

* ``model``: the typed contexts (``BatchContext``, ``WebAppContext``, ``Unavailable``, ...) and
  the connection methods (``ConnectionMethod``);
* ``encoding``: percent encoding, list and key-value parsing, timestamps;
* ``builders``: contexts to headers (``build_batch_headers``, ``build_web_app_headers``);
* ``rules`` and ``validator``: HMRC's validation rules, shared by ``fraud-headers`` and the
  emulator's Test Fraud Prevention Headers API;
* ``collector``: reads this host (interfaces, screens, user, timezone) into a ``BatchContext``.
  Not imported here, so ``import hmrc_sync.fraud_headers`` does no I/O.
"""

from hmrc_sync.fraud_headers.builders import (
    build_batch_headers,
    build_web_app_headers,
    unavailable_data,
)
from hmrc_sync.fraud_headers.encoding import (
    FraudHeaderFormatError,
    encode_key_value_list,
    encode_key_values,
    encode_list,
    encode_verbatim,
    format_timestamp,
    format_utc_offset,
    parse_key_value_list,
    parse_key_values,
    parse_list,
    percent_decode,
    percent_encode,
)
from hmrc_sync.fraud_headers.model import (
    BATCH_PROCESS_DIRECT,
    NO_LICENCE,
    PRODUCT_NAME,
    SENT_CONNECTION_METHODS,
    WEB_APP_VIA_SERVER,
    BatchContext,
    BrowserContext,
    ConnectionMethod,
    DeviceInfo,
    ForwardedHop,
    IpAddress,
    MultiFactor,
    Screen,
    ServerContext,
    Unavailable,
    VendorContext,
    WebAppContext,
    WindowSize,
    direct_hop,
    is_public_ip,
)

__all__ = [
    "BATCH_PROCESS_DIRECT",
    "NO_LICENCE",
    "PRODUCT_NAME",
    "SENT_CONNECTION_METHODS",
    "WEB_APP_VIA_SERVER",
    "BatchContext",
    "BrowserContext",
    "ConnectionMethod",
    "DeviceInfo",
    "ForwardedHop",
    "FraudHeaderFormatError",
    "IpAddress",
    "MultiFactor",
    "Screen",
    "ServerContext",
    "Unavailable",
    "VendorContext",
    "WebAppContext",
    "WindowSize",
    "build_batch_headers",
    "build_web_app_headers",
    "direct_hop",
    "encode_key_value_list",
    "encode_key_values",
    "encode_list",
    "encode_verbatim",
    "format_timestamp",
    "format_utc_offset",
    "is_public_ip",
    "parse_key_value_list",
    "parse_key_values",
    "parse_list",
    "percent_decode",
    "percent_encode",
    "unavailable_data",
]
