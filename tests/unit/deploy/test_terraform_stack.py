"""The Terraform stack for the first user's cluster parses, and asks hmrc-sync only for what it
accepts: its commands, its environment variables, its routes; and it follows the cluster's
conventions (user-infra.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from hmrc_sync.settings import Environment, PayslipSourceKind, TokenStoreKind
from tests.unit.deploy.contract import (
    accepted_variables,
    app_routes,
    check_argv,
    settings_from_environment,
    variable_param,
)
from tests.unit.deploy.terraform import (
    STACK_DIR,
    VAULT_SNIPPET,
    Container,
    Stack,
    load,
    secret_keys,
)

STACK = Stack()
CONTAINERS = STACK.containers()
IMAGE_REPOSITORY = "ghcr.io/viktorbarzin/hmrc-sync"


def _all_variable_names() -> list[str]:
    names: set[str] = set()
    for container in CONTAINERS:
        names.update(STACK.environment(container))
    for secret in STACK.external_secrets().values():
        names.update(secret_keys(secret))
    return sorted(names)


def _deployment() -> dict[str, Any]:
    (deployment,) = STACK.resources("kubernetes_deployment").values()
    return deployment


def _cron_jobs() -> dict[str, dict[str, Any]]:
    return STACK.resources("kubernetes_cron_job_v1")


def test_the_stack_has_the_pattern_resources() -> None:
    kinds = {kind for block in STACK.document["resource"] for kind in block}
    assert kinds == {
        "kubernetes_namespace",
        "kubernetes_service_account",
        "kubernetes_manifest",
        "kubernetes_deployment",
        "kubernetes_service",
        "kubernetes_cron_job_v1",
    }
    assert set(STACK.external_secrets()) == {"hmrc-sync-secrets", "hmrc-sync-db-creds"}
    assert set(STACK.modules()) == {"ingress", "ingress_callback"}


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.label)
def test_every_container_runs_an_hmrc_sync_command(container: Container) -> None:
    check_argv([str(part) for part in container.body["command"]])


@pytest.mark.parametrize("name", [variable_param(name) for name in _all_variable_names()])
def test_every_environment_variable_is_one_hmrc_sync_reads(name: str) -> None:
    assert name in accepted_variables()


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.label)
def test_every_container_gets_both_secrets_and_each_exists(container: Container) -> None:
    sources = STACK.secret_sources(container)
    assert sorted(sources) == sorted(STACK.external_secrets())


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.label)
def test_the_values_make_valid_production_settings(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = STACK.external_secrets()
    environment = {
        name: f"placeholder-{name.lower()}" for name in secret_keys(secrets["hmrc-sync-secrets"])
    }
    database_url = secrets["hmrc-sync-db-creds"]["spec"]["target"]["template"]["data"][
        "HMRC_SYNC_DATABASE_URL"
    ]
    environment["HMRC_SYNC_DATABASE_URL"] = database_url.replace("{{ .password }}", "pw")
    environment.update(STACK.environment(container))

    settings = settings_from_environment(monkeypatch, environment)

    assert settings.environment is Environment.PRODUCTION
    assert settings.redirect_uri == "https://hmrc-oauth.viktorbarzin.me/callback"
    assert settings.token_store is TokenStoreKind.VAULT
    assert settings.vault_addr == "http://vault-active.vault.svc.cluster.local:8200"
    assert (settings.vault_mount, settings.vault_path) == ("secret", "hmrc-sync")
    assert settings.payslip_source is PayslipSourceKind.PAYSLIP_INGEST
    assert settings.payslip_schema == "payslip_ingest"
    # The dashboard's Panel 10 joins across schemas, so hmrc-sync lives in payslip_ingest's DB.
    assert settings.database_url == (
        "postgresql+psycopg://payslip_ingest:pw@pg-cluster-rw.dbaas.svc.cluster.local:5432"
        "/payslip_ingest"
    )
    if container.owner.startswith("cronjob."):
        assert settings.pushgateway_url == (
            "http://prometheus-prometheus-pushgateway.monitoring:9091"
        )


def test_the_deployment_migrates_first_then_serves_on_the_service_port() -> None:
    pod = _deployment()["spec"][0]["template"][0]["spec"][0]
    (init,) = pod["init_container"]
    (main,) = pod["container"]
    # Named as the fleet's deploy pipeline expects (kubectl set image ... alembic-migrate=).
    assert init["name"] == "alembic-migrate"
    assert check_argv(init["command"]) == ["migrate"]
    assert check_argv(main["command"]) == ["serve"]
    command = main["command"]
    port = int(command[command.index("--port") + 1])
    # In a container the service must listen on every interface of the pod.
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104
    assert [p["container_port"] for p in main["port"]] == [port]
    (service,) = STACK.resources("kubernetes_service").values()
    (service_port,) = service["spec"][0]["port"]
    assert service_port["target_port"] == port
    for module in STACK.modules().values():
        assert module["port"] == service_port["port"]


def test_probes_use_the_app_health_routes() -> None:
    (main,) = _deployment()["spec"][0]["template"][0]["spec"][0]["container"]
    readiness = main["readiness_probe"][0]["http_get"][0]
    liveness = main["liveness_probe"][0]["http_get"][0]
    assert readiness["path"] == "/readyz"
    assert liveness["path"] == "/healthz"
    assert {"/readyz", "/healthz"} <= app_routes()
    assert readiness["port"] == liveness["port"] == main["port"][0]["container_port"]


def test_the_service_is_scraped_at_the_metrics_route_and_selects_only_web_pods() -> None:
    (service,) = STACK.resources("kubernetes_service").values()
    annotations = service["metadata"][0]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] in app_routes()
    selector = STACK.resolve(service["spec"][0]["selector"])
    pod_labels = {
        owner: STACK.resolve(metadata["labels"]) for owner, metadata, _ in STACK.pod_specs()
    }
    selected = [owner for owner, labels in pod_labels.items() if selector.items() <= labels.items()]
    assert selected == ["deployment.hmrc_sync"]


def test_only_the_callback_path_skips_single_sign_on() -> None:
    modules = {name: STACK.resolve(body) for name, body in STACK.modules().items()}
    open_modules = [body for body in modules.values() if body["auth"] == "none"]
    assert len(open_modules) == 1
    (callback,) = open_modules
    assert callback["ingress_path"] == ["/callback"]
    assert "/callback" in app_routes()
    others = [body for body in modules.values() if body is not callback]
    assert [body["auth"] for body in others] == ["required"]
    assert others[0].get("ingress_path", ["/"]) == ["/"]
    assert {body["host"] for body in modules.values()} == {"hmrc-oauth"}
    assert {body["service_name"] for body in modules.values()} == {"hmrc-sync"}
    # HMRC redirects to the registered URI: it must be the open path on the same host.
    redirect = urlsplit(STACK.resolve(STACK.locals["app_env"]["HMRC_SYNC_REDIRECT_URI"]))
    assert redirect.scheme == "https"
    assert redirect.hostname == "hmrc-oauth.viktorbarzin.me"
    assert redirect.path == callback["ingress_path"][0]
    sources = {module["source"] for module in modules.values()}
    assert sources == {"../../modules/kubernetes/ingress_factory"}


def test_the_daily_current_year_sync_runs_at_six_forbids_overlap_and_has_a_deadline() -> None:
    schedules = {}
    for name, body in _cron_jobs().items():
        spec = body["spec"][0]
        job = spec["job_template"][0]["spec"][0]
        (container,) = job["template"][0]["spec"][0]["container"]
        assert spec["concurrency_policy"] == "Forbid", name
        assert 0 < job["active_deadline_seconds"] <= 3600, name
        assert container["image_pull_policy"] == "Always", name
        assert check_argv(container["command"]) == ["sync"], name
        command = container["command"]
        schedules[command[command.index("--tax-year") + 1]] = spec["schedule"]
    assert schedules["current"] == "0 6 * * *"


def test_every_pod_pulls_the_ghcr_image_with_ghcr_credentials() -> None:
    image = STACK.resolve(STACK.locals["image"])
    assert image == f"{IMAGE_REPOSITORY}:latest"
    for container in CONTAINERS:
        assert STACK.resolve(container.body["image"]) == image, container.label
    for owner, _metadata, pod in STACK.pod_specs():
        secrets = [entry["name"] for entry in pod["image_pull_secrets"]]
        assert "ghcr-credentials" in secrets, owner


def test_the_deployment_image_is_left_to_ci() -> None:
    ignored = _deployment()["lifecycle"][0]["ignore_changes"]
    flat = " ".join(str(item) for item in ignored)
    assert "container[0].image" in flat
    assert "init_container[0].image" in flat


def test_namespace_carries_the_cluster_labels() -> None:
    (namespace,) = STACK.resources("kubernetes_namespace").values()
    labels = namespace["metadata"][0]["labels"]
    assert labels["tier"] == "${local.tiers.aux}"
    assert labels["istio-injection"] == "disabled"
    assert labels["keel.sh/enrolled"] == "true"
    assert STACK.resolve(namespace["metadata"][0]["name"]) == "hmrc-sync"


def test_app_secrets_are_explicit_keys_and_never_the_token_path() -> None:
    secrets = STACK.external_secrets()
    own_path = STACK.locals["app_env"]["HMRC_SYNC_VAULT_PATH"]
    app = secrets["hmrc-sync-secrets"]["spec"]
    assert app["secretStoreRef"] == {"name": "vault-kv", "kind": "ClusterSecretStore"}
    assert "dataFrom" not in app, "never dataFrom.extract on a shared personal secret"
    keys = {entry["remoteRef"]["key"] for entry in app["data"]}
    assert own_path not in keys, "the grant is written by hmrc-sync; a copy would go stale"
    database = secrets["hmrc-sync-db-creds"]["spec"]
    assert database["secretStoreRef"] == {"name": "vault-database", "kind": "ClusterSecretStore"}
    assert [entry["remoteRef"]["key"] for entry in database["data"]] == [
        "static-creds/pg-payslip-ingest"
    ]
    for secret in secrets.values():
        annotations = secret["spec"]["target"]["template"]["metadata"]["annotations"]
        assert annotations["reloader.stakater.com/match"] == "true"


def test_pods_log_in_to_vault_as_the_role_the_vault_snippet_defines() -> None:
    (account,) = STACK.resources("kubernetes_service_account").values()
    account_name = STACK.resolve(account["metadata"][0]["name"])
    for owner, _metadata, pod in STACK.pod_specs():
        assert STACK.resolve(pod["service_account_name"]) == account_name, owner
    vault = load(VAULT_SNIPPET)
    roles = [
        block["vault_kubernetes_auth_backend_role"]
        for block in vault["resource"]
        if "vault_kubernetes_auth_backend_role" in block
    ]
    (role,) = [body for group in roles for body in group.values()]
    env = STACK.locals["app_env"]
    assert role["role_name"] == env["VAULT_K8S_ROLE"]
    assert role["bound_service_account_names"] == [account_name]
    assert role["bound_service_account_namespaces"] == [STACK.locals["namespace"]]
    policies = [block["vault_policy"] for block in vault["resource"] if "vault_policy" in block]
    (policy,) = [body for group in policies for body in group.values()]
    text = policy["policy"].replace('\\"', '"')  # the heredoc arrives as an escaped string
    data_path = f'path "{env["HMRC_SYNC_VAULT_MOUNT"]}/data/{env["HMRC_SYNC_VAULT_PATH"]}"'
    assert f'{data_path} {{\n  capabilities = ["create", "read", "update"]' in text


def test_terragrunt_tracks_latest_and_depends_on_vault_and_eso() -> None:
    document = load(STACK_DIR / "terragrunt.hcl")
    assert document["inputs"]["image_tag"] == "latest"
    dependencies = {name for block in document["dependency"] for name in block}
    assert {"vault", "external-secrets"} <= dependencies
