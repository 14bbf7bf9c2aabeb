"""All of hmrc-sync's configuration, read from ``HMRC_SYNC_*`` variables and an optional ``.env``.

Environment variables win over ``.env``, which wins over the defaults. Secrets are
``SecretStr`` so they never appear in a repr, a log line or an error. ``load_settings``
turns pydantic's validation errors into one ``ConfigurationError`` whose message names each
bad variable and says what it accepts.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from enum import StrEnum
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Annotated, Any, Final

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from hmrc_sync.client.endpoints import INDIVIDUAL_APIS
from hmrc_sync.db.urls import database_url_problem, mask_database_url
from hmrc_sync.errors import ConfigurationError

ENV_PREFIX: Final = "HMRC_SYNC_"
APP_NAME: Final = "hmrc-sync"

# The scopes of the Individual APIs a sync reads (client.endpoints, the one list of HMRC's APIs).
DEFAULT_SCOPES: Final = tuple(str(api.scope) for api in INDIVIDUAL_APIS)

_ALLOWED_DB_SCHEMES: Final = ("sqlite", "postgresql", "postgresql+psycopg")


class Environment(StrEnum):
    SANDBOX = "sandbox"
    PRODUCTION = "production"


class TokenStoreKind(StrEnum):
    FILE = "file"
    VAULT = "vault"


class PayslipSourceKind(StrEnum):
    TABLE = "table"
    PAYSLIP_INGEST = "payslip-ingest"
    CSV = "csv"


class LogLevel(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    AUTO = "auto"  # JSON lines when stderr is not a terminal, plain text on one


HMRC_HOSTS: Final = {
    Environment.SANDBOX: "https://test-api.service.hmrc.gov.uk",
    Environment.PRODUCTION: "https://api.service.hmrc.gov.uk",
}
HMRC_AUTHORIZE_HOSTS: Final = {
    Environment.SANDBOX: "https://test-www.tax.service.gov.uk/oauth/authorize",
    Environment.PRODUCTION: "https://www.tax.service.gov.uk/oauth/authorize",
}


def data_dir() -> Path:
    """The per-user data directory (``~/.local/share/hmrc-sync`` on Linux)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'hmrc-sync.db'}"


def default_token_file() -> Path:
    return data_dir() / "token.json"


MIN_TOKEN_LENGTH: Final = 32


def config_env_file() -> Path:
    """The per-user settings file (``~/.config/hmrc-sync/config.env`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.env"


def env_files() -> tuple[Path, ...]:
    """The settings files in increasing priority: the user's config.env, then the working
    directory's ``.env`` (the environment itself wins over both)."""
    return (config_env_file(), Path(".env"))


log = logging.getLogger(__name__)
# HMRC_SYNC_* variables that are read by the tests and scripts, not by hmrc-sync itself.
NOT_SETTINGS: Final = frozenset(
    {
        "HMRC_SYNC_TEST_POSTGRES_URL",
        "HMRC_SYNC_SHARED_DIR",
        "HMRC_SYNC_CHROMIUM",
        "HMRC_SYNC_TEST_USER_ID",
        "HMRC_SYNC_TEST_USER_PASSWORD",
    }
)
_warned: set[str] = set()


class Settings(BaseSettings):
    """hmrc-sync's settings. Every field is documented in ``docs/configuration.md``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        # A rejected value never reaches an error message (the database URL holds a password).
        hide_input_in_errors=True,
    )

    # --- storage
    database_url: str = Field(default_factory=default_database_url)

    # --- HMRC
    environment: Environment = Environment.SANDBOX
    api_base_url: str | None = None
    authorize_url: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    redirect_uri: str = "http://localhost:8080/oauth/callback"
    utr: str | None = None
    nino: str | None = None
    scopes: Annotated[tuple[str, ...], NoDecode] = DEFAULT_SCOPES
    requests_per_second: int = Field(default=3, ge=1, le=100)
    request_budget: int = Field(default=200, ge=1)
    http_timeout_seconds: float = Field(default=30.0, gt=0)

    # --- tokens
    token_store: TokenStoreKind = TokenStoreKind.FILE
    token_file: Path = Field(default_factory=default_token_file)
    vault_addr: str | None = Field(
        default=None, validation_alias=AliasChoices("VAULT_ADDR", "HMRC_SYNC_VAULT_ADDR")
    )
    vault_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("VAULT_TOKEN", "HMRC_SYNC_VAULT_TOKEN")
    )
    vault_k8s_role: str | None = Field(
        default=None,
        validation_alias=AliasChoices("VAULT_K8S_ROLE", "HMRC_SYNC_VAULT_K8S_ROLE"),
    )
    vault_k8s_mount: str = "kubernetes"
    vault_k8s_jwt_file: Path = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
    vault_mount: str = "secret"
    vault_path: str = "hmrc-sync"

    # --- web service
    webhook_token: SecretStr | None = None
    admin_token: SecretStr | None = None
    # Mark every cookie Secure even when the request looks like plain HTTP (a TLS edge that
    # is not in HMRC_SYNC_TRUSTED_PROXIES, or that sends no X-Forwarded-Proto).
    force_secure_cookies: bool = False

    # --- payslips and reconciliation
    payslip_source: PayslipSourceKind = PayslipSourceKind.TABLE
    payslip_schema: str = Field(default="payslip_ingest", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    payslip_csv: Path | None = None
    p60_csv: Path | None = None
    tax_code: str | None = None
    ni_category: str = "A"
    reconcile_tolerance: Decimal = Field(default=Decimal("1.00"), ge=0)

    # --- web service and metrics
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    vendor_public_ip: str | None = None
    pushgateway_url: str | None = None

    # --- logging (-v/--verbose and -q/--quiet on any command win over log_level)
    log_level: LogLevel | None = None  # None: info for JSON lines, warning on a terminal
    log_format: LogFormat = LogFormat.AUTO

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case_choice(cls, value: Any) -> Any:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _ALLOWED_DB_SCHEMES:
            raise ValueError(
                "must be a sqlite:///PATH or postgresql://USER@HOST/DB URL "
                f"(got scheme {scheme or 'none'!r})"
            )
        if (problem := database_url_problem(value)) is not None:
            raise ValueError(problem)
        return absolute_sqlite_url(value)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """repr() and str() show the database URL masked (its password is a secret)."""
        for name, value in super().__repr_args__():
            yield name, mask_database_url(value) if name == "database_url" else value

    @field_validator("api_base_url", "authorize_url")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if (problem := http_url_problem(value)) is not None:
            raise ValueError(f"{value!r} {problem}")
        return value

    @field_validator("admin_token", "webhook_token")
    @classmethod
    def _check_token_strength(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"must be at least {MIN_TOKEN_LENGTH} characters long (it guards the grant and "
                "the sync); make one with `openssl rand -hex 32`"
            )
        return value

    @field_validator("scopes", "trusted_proxies", mode="before")
    @classmethod
    def _split_scopes(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split() if part)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"{item!r} is not an IP address or network (e.g. 10.10.0.0/16)"
                ) from None
        return value

    @field_validator("vendor_public_ip")
    @classmethod
    def _check_vendor_ip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address") from None
        return value

    @field_validator("vault_path")
    @classmethod
    def _check_vault_path(cls, value: str) -> str:
        cleaned = value.strip("/")
        if not cleaned:
            raise ValueError("must be a non-empty KV path such as 'hmrc-sync'")
        return cleaned

    # --- derived
    @property
    def hmrc_api_base_url(self) -> str:
        return (self.api_base_url or HMRC_HOSTS[self.environment]).rstrip("/")

    @property
    def hmrc_authorize_url(self) -> str:
        if self.authorize_url:
            return self.authorize_url
        if self.api_base_url:
            return f"{self.api_base_url.rstrip('/')}/oauth/authorize"
        return HMRC_AUTHORIZE_HOSTS[self.environment]


def http_url_problem(value: str) -> str | None:
    """What keeps ``value`` from being an http(s) URL with a host, or None."""
    from urllib.parse import urlsplit

    if any(character.isspace() for character in value):
        return "contains a space; write the URL without spaces (e.g. http://127.0.0.1:9090)"
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https:// (e.g. https://test-api.service.hmrc.gov.uk)"
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port == -1:
        return "has a port that is not a number from 0 to 65535 (e.g. http://127.0.0.1:9090)"
    if not parts.hostname:
        return "has no host; write it as http(s)://HOST[:PORT]"
    return None


def absolute_sqlite_url(url: str) -> str:
    """A SQLite URL with ``~`` expanded and a relative path resolved against the working
    directory (with a warning, since it depends on where the command runs)."""
    prefix, separator, path = url.partition(":///")
    if not prefix.startswith("sqlite") or not separator or not path or path.startswith("/"):
        return url
    if path == ":memory:" or path.startswith(":memory:?"):
        return url
    expanded = Path(path).expanduser()
    if not expanded.is_absolute():
        expanded = Path.cwd() / expanded
        _warn_once(
            f"relative:{path}",
            f"the SQLite path {path!r} is relative: using {expanded}. Write an absolute path "
            "(sqlite:////path/to/file.db or sqlite:///~/file.db) to use the same database "
            "wherever the command runs.",
        )
    return f"{prefix}:///{expanded}"


def setting_variables() -> dict[str, str]:
    """Every environment variable that sets a setting, mapped to the field it sets."""
    names: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        names[f"{ENV_PREFIX}{name.upper()}"] = name
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update({str(choice).upper(): name for choice in alias.choices})
    return names


def unknown_variable_warnings(environ: Mapping[str, str]) -> list[str]:
    """A warning for each ``HMRC_SYNC_*`` variable that is no setting, naming the nearest."""
    known = setting_variables()
    messages = []
    for variable in sorted(environ):
        name = variable.upper()
        if not name.startswith(ENV_PREFIX) or name in known or name in NOT_SETTINGS:
            continue
        close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]}?"
            if close
            else (
                "; every setting is listed by `hmrc-sync config` and at "
                "https://github.com/viktorbarzin/hmrc-sync/blob/main/docs/configuration.md"
            )
        )
        messages.append(f"{variable} is not an hmrc-sync setting and is ignored{hint}")
    return messages


def setting_sources(environ: Mapping[str, str]) -> dict[str, str]:
    """Where each setting that is set came from: ``environment``, or the settings file that
    holds it (the working directory's ``.env`` over the user's config.env, as when loading).
    Settings absent here have their default."""
    from dotenv import dotenv_values

    variables = setting_variables()
    sources: dict[str, str] = {}
    for path in env_files():  # lowest priority first; later ones overwrite
        if path.is_file():
            for key in dotenv_values(path):
                if (field := variables.get(key.upper())) is not None:
                    sources[field] = str(path)
    for key in environ:
        if (field := variables.get(key.upper())) is not None:
            sources[field] = f"environment ({key})"
    return sources


def _warn_once(key: str, message: str) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning("%s", message)


def _variable_name(loc: tuple[int | str, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    if field in ("vault_addr", "vault_token", "vault_k8s_role"):
        return field.upper()
    if field == "database_url":  # the commands' --database-url sets it too
        return f"{ENV_PREFIX}DATABASE_URL (or --database-url)"
    return f"{ENV_PREFIX}{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """Build ``Settings`` from the environment, the working directory's ``.env`` and the user's
    config.env (``env_files``); bad values raise ``ConfigurationError``. A variable that looks
    like a setting but is none (a typo) is warned about, once per process."""
    for message in unknown_variable_warnings(os.environ):
        _warn_once(message, message)
    try:
        return Settings(_env_file=env_files(), **overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            problems.append(f"{_variable_name(error['loc'])}: {error['msg']}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
    except SettingsError as exc:
        # pydantic-settings names the field ("error parsing value for field "x" ...").
        raise ConfigurationError(f"invalid configuration: {exc}") from None
