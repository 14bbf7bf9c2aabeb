"""Where hmrc-sync keeps the device id and the OAuth grant: a 0600 file or Vault KV v2.

See ``base`` for the compare-and-set protocol, ``file_store`` and ``vault_store`` for the two
stores, ``codec`` for the stored shape and ``factory`` for choosing one from the settings.
"""

from typing import TYPE_CHECKING

from hmrc_sync import lazy_exports
from hmrc_sync.tokenstore.base import TokenStore, Versioned, ensure_device_id
from hmrc_sync.tokenstore.codec import (
    RecordFormatError,
    record_from_dict,
    record_from_json,
    record_to_dict,
    record_to_json,
)
from hmrc_sync.tokenstore.factory import build_vault_client, make_token_store
from hmrc_sync.tokenstore.file_store import FileTokenStore
from hmrc_sync.tokenstore.record import (
    EXPIRING_SOON,
    GRANT_LIFETIME_MONTHS,
    Grant,
    GrantStatus,
    TokenRecord,
    add_months,
    grant_status,
    new_device_id,
)

if TYPE_CHECKING:
    from hmrc_sync.tokenstore.vault_store import VaultTokenStore, required_policy

# The Vault store imports hvac: only on first use, so a file-store command never pays for it.
__getattr__ = lazy_exports(
    __name__,
    {
        "VaultTokenStore": "hmrc_sync.tokenstore.vault_store",
        "required_policy": "hmrc_sync.tokenstore.vault_store",
    },
)

__all__ = [
    "EXPIRING_SOON",
    "GRANT_LIFETIME_MONTHS",
    "FileTokenStore",
    "Grant",
    "GrantStatus",
    "RecordFormatError",
    "TokenRecord",
    "TokenStore",
    "VaultTokenStore",
    "Versioned",
    "add_months",
    "build_vault_client",
    "ensure_device_id",
    "grant_status",
    "make_token_store",
    "new_device_id",
    "record_from_dict",
    "record_from_json",
    "record_to_dict",
    "record_to_json",
    "required_policy",
]
