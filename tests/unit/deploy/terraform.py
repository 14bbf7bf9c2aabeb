"""Reading the Terraform stack in ``deploy/terraform`` with python-hcl2 (nothing is applied).

Only the few expressions the stack uses are resolved: ``${local.NAME}``, ``${var.NAME}`` (by
default value, or a value the test supplies) and ``${RESOURCE.NAME.metadata[0].name}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

import hcl2
from hcl2.utils import SerializationOptions

from tests.unit.deploy.contract import DEPLOY

STACK_DIR: Final = DEPLOY / "terraform" / "hmrc-sync"
VAULT_SNIPPET: Final = DEPLOY / "terraform" / "vault" / "hmrc-sync.tf"

_OPTIONS: Final = SerializationOptions(
    with_comments=False,
    explicit_blocks=False,
    strip_string_quotes=True,
    preserve_heredocs=False,
)
_REFERENCE: Final = re.compile(
    r"\$\{(local|var|kubernetes_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_]*)(\.metadata\[0\]\.name)?\}"
)
# Values for variables without a default, as the infra repo's config.tfvars would give them.
TEST_VARIABLES: Final[Mapping[str, str]] = {
    "postgresql_host": "pg-cluster-rw.dbaas.svc.cluster.local",
    "tls_secret_name": "tls-secret",
}


@cache
def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = hcl2.load(handle, serialization_options=_OPTIONS)
    return document


@dataclass(frozen=True)
class Container:
    """One container of a pod spec, with where it came from (for test ids)."""

    owner: str
    body: Mapping[str, Any]
    pod: Mapping[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.body["name"])

    @property
    def label(self) -> str:
        return f"{self.owner}/{self.name}"


class Stack:
    """The hmrc-sync stack: its resources, modules, locals and variables."""

    def __init__(self, path: Path = STACK_DIR / "main.tf") -> None:
        self.document = load(path)
        self.locals: dict[str, Any] = {}
        for block in self.document.get("locals", []):
            self.locals.update(block)
        self.variables: dict[str, Any] = dict(TEST_VARIABLES)
        for block in self.document.get("variable", []):
            for name, body in block.items():
                if "default" in body:
                    self.variables[name] = body["default"]

    # --- expressions

    def resolve(self, value: Any) -> Any:
        """``value`` with ``${local.x}`` / ``${var.x}`` replaced, recursively."""
        if isinstance(value, str):
            whole = _REFERENCE.fullmatch(value)
            if whole:
                return self.resolve(self._lookup(whole.group(1), whole.group(2)))
            return _REFERENCE.sub(
                lambda match: str(self.resolve(self._lookup(match.group(1), match.group(2)))),
                value,
            )
        if isinstance(value, Mapping):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def _lookup(self, kind: str, name: str) -> Any:
        if kind.startswith("kubernetes_"):
            return self.resources(kind)[name]["metadata"][0]["name"]
        table = self.locals if kind == "local" else self.variables
        if name not in table:
            raise KeyError(f"{kind}.{name} is not defined in the stack")
        return table[name]

    # --- blocks

    def resources(self, kind: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for block in self.document.get("resource", []):
            for name, body in block.get(kind, {}).items():
                found[name] = body
        return found

    def modules(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for block in self.document.get("module", []):
            found.update(block)
        return found

    def external_secrets(self) -> dict[str, dict[str, Any]]:
        """ExternalSecret manifests by target Secret name."""
        found: dict[str, dict[str, Any]] = {}
        for body in self.resources("kubernetes_manifest").values():
            manifest = self.resolve(body["manifest"])
            if manifest["kind"] == "ExternalSecret":
                found[manifest["spec"]["target"]["name"]] = manifest
        return found

    def pod_specs(self) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
        """(owner, pod metadata, pod spec) for the Deployment and every CronJob."""
        for name, body in self.resources("kubernetes_deployment").items():
            template = body["spec"][0]["template"][0]
            yield f"deployment.{name}", template["metadata"][0], template["spec"][0]
        for name, body in self.resources("kubernetes_cron_job_v1").items():
            job = body["spec"][0]["job_template"][0]["spec"][0]
            template = job["template"][0]
            yield f"cronjob.{name}", template["metadata"][0], template["spec"][0]

    def containers(self) -> list[Container]:
        found: list[Container] = []
        for owner, _metadata, pod in self.pod_specs():
            for key in ("init_container", "container"):
                found.extend(Container(owner, body, pod) for body in pod.get(key, []))
        return found

    def environment(self, container: Container) -> dict[str, str]:
        """The plain ``env`` a container gets (dynamic blocks over a local map included)."""
        variables: dict[str, str] = {}
        for dynamic in container.body.get("dynamic", []):
            for block_name, spec in dynamic.items():
                if block_name == "env":
                    source = self.resolve(spec["for_each"])
                    variables.update({str(k): str(v) for k, v in source.items()})
        for entry in container.body.get("env", []):
            variables[str(entry["name"])] = str(self.resolve(entry.get("value", "")))
        return variables

    def secret_sources(self, container: Container) -> list[str]:
        """Names of the Secrets a container takes whole (``env_from``)."""
        names: list[str] = []
        for dynamic in container.body.get("dynamic", []):
            for block_name, spec in dynamic.items():
                if block_name == "env_from":
                    names.extend(str(name) for name in self.resolve(spec["for_each"]))
        for entry in container.body.get("env_from", []):
            for ref in entry.get("secret_ref", []):
                names.append(str(self.resolve(ref["name"])))
        return names


def secret_keys(external_secret: Mapping[str, Any]) -> list[str]:
    """The keys of the Secret an ExternalSecret renders (its template wins over raw data)."""
    spec = external_secret["spec"]
    template_data = spec["target"].get("template", {}).get("data")
    if template_data:
        return list(template_data)
    return [entry["secretKey"] for entry in spec.get("data", [])]
