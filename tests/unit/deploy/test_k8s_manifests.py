"""The plain Kubernetes manifests (kustomize base in deploy/k8s): they parse, hang together,
and ask hmrc-sync only for commands, settings and routes it has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
import yaml

from hmrc_sync.settings import Environment, TokenStoreKind
from tests.unit.deploy.contract import (
    DEPLOY,
    accepted_variables,
    app_routes,
    check_argv,
    settings_from_environment,
    variable_param,
)

BASE: Final = DEPLOY / "k8s"


def _documents(name: str) -> list[dict[str, Any]]:
    text = (BASE / name).read_text(encoding="utf-8")
    return [document for document in yaml.safe_load_all(text) if document]


KUSTOMIZATION: Final = _documents("kustomization.yaml")[0]
RESOURCES: Final = [doc for name in KUSTOMIZATION["resources"] for doc in _documents(name)]
SECRET_EXAMPLE: Final = _documents("secret.example.yaml")[0]


def _of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in RESOURCES if doc["kind"] == kind]


def _pods() -> Iterator[tuple[str, dict[str, Any]]]:
    """(owner, pod template) of every workload."""
    for deployment in _of_kind("Deployment"):
        yield f"deployment/{deployment['metadata']['name']}", deployment["spec"]["template"]
    for cron_job in _of_kind("CronJob"):
        template = cron_job["spec"]["jobTemplate"]["spec"]["template"]
        yield f"cronjob/{cron_job['metadata']['name']}", template


def _containers() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for owner, template in _pods():
        spec = template["spec"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            found.append((f"{owner}/{container['name']}", container))
    return found


CONTAINERS: Final = _containers()
CONFIG: Final = {doc["metadata"]["name"]: doc for doc in _of_kind("ConfigMap")}


def _variable_names() -> list[str]:
    names = set(SECRET_EXAMPLE["stringData"])
    for config in CONFIG.values():
        names.update(config["data"])
    for _label, container in CONTAINERS:
        names.update(entry["name"] for entry in container.get("env", []))
    return sorted(names)


def test_the_base_lists_existing_files_and_never_the_secret_example() -> None:
    for name in KUSTOMIZATION["resources"]:
        assert (BASE / name).is_file(), name
    assert "secret.example.yaml" not in KUSTOMIZATION["resources"]
    assert KUSTOMIZATION["namespace"] == "hmrc-sync"
    kinds = sorted(doc["kind"] for doc in RESOURCES)
    workloads = ["Deployment", "Service", "CronJob", "CronJob"]
    assert kinds == sorted(["Namespace", "ConfigMap", "PersistentVolumeClaim", *workloads])


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda item: item[0])
def test_every_container_runs_an_hmrc_sync_command(container: tuple[str, Any]) -> None:
    _label, body = container
    check_argv([str(part) for part in body["command"]])


@pytest.mark.parametrize("name", [variable_param(name) for name in _variable_names()])
def test_every_environment_variable_is_one_hmrc_sync_reads(name: str) -> None:
    assert name in accepted_variables()


def test_the_secret_example_holds_no_real_values() -> None:
    values = SECRET_EXAMPLE["stringData"]
    assert set(values) == {
        "HMRC_SYNC_DATABASE_URL",
        "HMRC_SYNC_CLIENT_ID",
        "HMRC_SYNC_CLIENT_SECRET",
        "HMRC_SYNC_UTR",
        "HMRC_SYNC_NINO",
        "HMRC_SYNC_WEBHOOK_TOKEN",
        "HMRC_SYNC_ADMIN_TOKEN",
    }
    assert all("CHANGE_ME" in value for value in values.values())


def test_config_and_secret_example_make_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = dict(CONFIG["hmrc-sync-config"]["data"])
    environment.update(SECRET_EXAMPLE["stringData"])
    settings = settings_from_environment(monkeypatch, environment)
    assert settings.environment is Environment.PRODUCTION
    assert settings.token_store is TokenStoreKind.FILE
    assert settings.redirect_uri.endswith("/callback")
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert str(settings.token_file).startswith("/data/")


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda item: item[0])
def test_every_container_reads_the_config_and_the_secret(container: tuple[str, Any]) -> None:
    _label, body = container
    sources = [next(iter(entry.values()))["name"] for entry in body["envFrom"]]
    assert sources == ["hmrc-sync-config", "hmrc-sync-secrets"]
    assert SECRET_EXAMPLE["metadata"]["name"] == "hmrc-sync-secrets"


def test_the_token_file_is_on_the_shared_data_volume_in_every_pod() -> None:
    token_file = CONFIG["hmrc-sync-config"]["data"]["HMRC_SYNC_TOKEN_FILE"]
    (claim,) = _of_kind("PersistentVolumeClaim")
    for label, container in CONTAINERS:
        mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
        assert mounts.get("/data") == "data", label
        assert token_file.startswith("/data/")
    for owner, template in _pods():
        volumes = {volume["name"]: volume for volume in template["spec"]["volumes"]}
        assert (
            volumes["data"]["persistentVolumeClaim"]["claimName"] == (claim["metadata"]["name"])
        ), owner


def test_the_deployment_migrates_then_serves_with_health_probes() -> None:
    (deployment,) = _of_kind("Deployment")
    spec = deployment["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    (main,) = spec["containers"]
    assert check_argv(init["command"]) == ["migrate"]
    assert check_argv(main["command"]) == ["serve"]
    port = int(main["command"][main["command"].index("--port") + 1])
    assert main["ports"][0]["containerPort"] == port
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
    assert {"/readyz", "/healthz"} <= app_routes()
    (service,) = _of_kind("Service")
    assert service["spec"]["ports"][0]["targetPort"] == port
    assert service["metadata"]["annotations"]["prometheus.io/path"] in app_routes()


def test_the_service_selects_only_the_web_pods() -> None:
    (service,) = _of_kind("Service")
    selector = service["spec"]["selector"].items()
    selected = [
        owner for owner, template in _pods() if selector <= template["metadata"]["labels"].items()
    ]
    assert selected == ["deployment/hmrc-sync"]


def test_cron_jobs_forbid_overlap_have_a_deadline_and_the_current_year_runs_at_six() -> None:
    schedules = {}
    for cron_job in _of_kind("CronJob"):
        spec = cron_job["spec"]
        assert spec["concurrencyPolicy"] == "Forbid"
        assert 0 < spec["jobTemplate"]["spec"]["activeDeadlineSeconds"] <= 3600
        (container,) = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        command = container["command"]
        assert check_argv(command) == ["sync"]
        schedules[command[command.index("--tax-year") + 1]] = spec["schedule"]
    assert schedules["current"] == "0 6 * * *"


def test_every_pod_runs_unprivileged() -> None:
    for owner, template in _pods():
        assert template["spec"]["securityContext"]["runAsNonRoot"] is True, owner
    for label, container in CONTAINERS:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, label
        assert context["capabilities"]["drop"] == ["ALL"], label


def test_every_image_is_the_one_kustomize_rewrites() -> None:
    (image,) = KUSTOMIZATION["images"]
    assert {container["image"] for _label, container in CONTAINERS} == {image["name"]}
