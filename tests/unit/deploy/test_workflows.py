"""The build workflow (GitHub Actions) and the deploy pipeline (Woodpecker) follow the first
user's off-infra build pattern (ADR-0002) and name what really exists: the Dockerfile, the
CI script, the Deployment and its containers."""

from __future__ import annotations

import re
import shlex
from typing import Any, Final

import yaml

from tests.unit.deploy.contract import REPO_ROOT
from tests.unit.deploy.terraform import Stack

BUILD: Final = REPO_ROOT / ".github" / "workflows" / "build.yml"
DEPLOY_PIPELINE: Final = REPO_ROOT / ".woodpecker" / "deploy.yml"
IMAGE: Final = "ghcr.io/viktorbarzin/hmrc-sync"


def _load(path: Any) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


WORKFLOW: Final = _load(BUILD)
JOBS: Final = WORKFLOW["jobs"]


def _step(job: str, uses_prefix: str) -> dict[str, Any]:
    (step,) = [s for s in JOBS[job]["steps"] if str(s.get("uses", "")).startswith(uses_prefix)]
    assert isinstance(step, dict)
    return step


def test_runs_on_push_and_by_hand_with_package_write_permission() -> None:
    # PyYAML reads the bare key `on` as the boolean true (YAML 1.1).
    triggers = WORKFLOW["on"] if "on" in WORKFLOW else WORKFLOW[True]
    assert set(triggers) == {"push", "workflow_dispatch"}
    assert WORKFLOW["permissions"] == {"contents": "read", "packages": "write"}


def test_tests_gate_the_build_and_the_build_gates_the_deploy() -> None:
    assert JOBS["build"]["needs"] == "lint-and-test"
    assert JOBS["deploy"]["needs"] == "build"
    assert set(JOBS["notify-failure"]["needs"]) == {"lint-and-test", "build", "deploy"}


def test_the_test_job_runs_the_project_ci_script() -> None:
    runs = [step.get("run", "") for step in JOBS["lint-and-test"]["steps"]]
    assert "bash .ci/run" in runs
    assert (REPO_ROOT / ".ci" / "run").is_file()


def test_the_image_is_a_single_amd64_manifest_tagged_sha8_and_latest() -> None:
    build = _step("build", "docker/build-push-action@")["with"]
    assert build["push"] is True
    assert build["platforms"] == "linux/amd64"
    assert build["provenance"] is False
    assert (REPO_ROOT / build["file"]).is_file()
    assert WORKFLOW["env"]["IMAGE"] == IMAGE
    tags = build["tags"].splitlines()
    assert tags == [
        "${{ env.IMAGE }}:${{ steps.meta.outputs.sha }}",
        "${{ env.IMAGE }}:latest",
    ]
    (meta,) = [s for s in JOBS["build"]["steps"] if s.get("id") == "meta"]
    assert "cut -c1-8" in meta["run"]
    login = _step("build", "docker/login-action@")["with"]
    assert login["registry"] == "ghcr.io"


def test_the_deploy_pipeline_updates_both_deployment_containers() -> None:
    pipeline = _load(DEPLOY_PIPELINE)
    assert pipeline["when"] == [{"event": "manual"}]
    commands = [c for step in pipeline["steps"] for c in step.get("commands", [])]
    (set_image,) = [shlex.split(c) for c in commands if " set image " in c]
    namespace = set_image[set_image.index("-n") + 1]
    target = set_image[set_image.index("image") + 1]
    updates = dict(arg.split("=", 1) for arg in set_image[set_image.index("image") + 2 :])

    stack = Stack()
    (deployment,) = stack.resources("kubernetes_deployment").values()
    pod = deployment["spec"][0]["template"][0]["spec"][0]
    names = [c["name"] for c in pod["init_container"]] + [
        stack.resolve(c["name"]) for c in pod["container"]
    ]
    assert namespace == stack.locals["namespace"]
    assert target == f"deployment/{stack.resolve(deployment['metadata'][0]['name'])}"
    assert sorted(updates) == sorted(names)
    assert set(updates.values()) == {"${IMAGE_NAME}:${IMAGE_TAG}"}
    assert any(re.search(r"rollout status deployment/hmrc-sync", c) for c in commands)
