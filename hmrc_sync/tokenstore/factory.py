"""Choose and build the token store from ``Settings`` (``HMRC_SYNC_TOKEN_STORE``).

hvac (and the Vault store) are imported only when the Vault store is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hmrc_sync.errors import ConfigurationError, TokenStoreError
from hmrc_sync.settings import Settings, TokenStoreKind
from hmrc_sync.tokenstore.base import TokenStore
from hmrc_sync.tokenstore.file_store import FileTokenStore

if TYPE_CHECKING:
    import hvac


def make_token_store(settings: Settings, *, vault_client: hvac.Client | None = None) -> TokenStore:
    """The configured store. ``vault_client`` replaces the one built from VAULT_ADDR/VAULT_TOKEN.

    A store built here owns its Vault client; call ``close()`` when done with it.
    """
    if settings.token_store is TokenStoreKind.FILE:
        return FileTokenStore(settings.token_file)
    from hmrc_sync.tokenstore.vault_store import VaultTokenStore

    owns_client = vault_client is None
    client = vault_client if vault_client is not None else build_vault_client(settings)
    login = None
    if vault_client is None and settings.vault_token is None and settings.vault_k8s_role:
        login = lambda: kubernetes_login(client, settings)  # noqa: E731
    return VaultTokenStore(
        client,
        mount=settings.vault_mount,
        path=settings.vault_path,
        owns_client=owns_client,
        login=login,
    )


def kubernetes_login(client: hvac.Client, settings: Settings) -> None:
    """Log in with the pod's ServiceAccount token as ``VAULT_K8S_ROLE`` (Vault kubernetes auth)."""
    import hvac

    assert settings.vault_k8s_role is not None
    try:
        jwt = settings.vault_k8s_jwt_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(
            f"VAULT_K8S_ROLE is set but the ServiceAccount token {settings.vault_k8s_jwt_file} "
            f"cannot be read ({exc.strerror}); is this running in a Kubernetes pod?"
        ) from None
    try:
        client.auth.kubernetes.login(
            settings.vault_k8s_role, jwt, use_token=True, mount_point=settings.vault_k8s_mount
        )
    except (hvac.exceptions.VaultError, OSError) as exc:
        raise TokenStoreError(
            f"Vault kubernetes login as role {settings.vault_k8s_role!r} on "
            f"auth/{settings.vault_k8s_mount} failed ({type(exc).__name__}); check the role's "
            "bound ServiceAccount and namespace"
        ) from None


def build_vault_client(settings: Settings) -> hvac.Client:
    """An hvac client for VAULT_ADDR with VAULT_TOKEN and the configured HTTP timeout."""
    import hvac

    needs = "HMRC_SYNC_TOKEN_STORE=vault needs VAULT_ADDR and VAULT_TOKEN or VAULT_K8S_ROLE"
    if not settings.vault_addr:
        raise ConfigurationError(
            f"VAULT_ADDR is not set: {needs} (for example VAULT_ADDR=http://vault:8200)"
        )
    if (settings.vault_token is None or not settings.vault_token.get_secret_value()) and (
        settings.vault_k8s_role
    ):
        if not settings.vault_mount.strip("/"):
            raise ConfigurationError("HMRC_SYNC_VAULT_MOUNT must name a KV version 2 mount")
        client = hvac.Client(
            url=settings.vault_addr, timeout=max(1, round(settings.http_timeout_seconds))
        )
        kubernetes_login(client, settings)
        return client
    if settings.vault_token is None or not settings.vault_token.get_secret_value():
        raise ConfigurationError(
            f"VAULT_TOKEN is not set: {needs} (a token whose policy allows create, read and "
            f"update on {settings.vault_mount}/data/{settings.vault_path})"
        )
    if not settings.vault_mount.strip("/"):
        raise ConfigurationError("HMRC_SYNC_VAULT_MOUNT must name a KV version 2 mount")
    return hvac.Client(
        url=settings.vault_addr,
        token=settings.vault_token.get_secret_value(),
        timeout=max(1, round(settings.http_timeout_seconds)),
    )
