"""Run the real ``__main__.py`` with its OpenStack resources applied to the local control plane.

The program runs as an update under the Pulumi SDK's mock monitor (as the
offline preview does, :func:`medcloud.preview.engine.run_with_monitor`), but
:class:`RealApis` answers each OpenStack registration by making the API
request of :mod:`real_apis` — in the order the SDK registers them, with the
inputs it resolved — and returns the real id and state, so every reference
between resources (router id, subnet id, VPN service id, QoS id…) is the
API's.  AliCloud resources stay mocked (their id is made up; a VPN gateway
gets a TEST-NET-3 address, which the OpenStack side uses as its peer).
"""

from __future__ import annotations

import asyncio
import contextlib
import runpy
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi.runtime import mocks

from medcloud.preview.engine import run_with_monitor, stack_config

#: AliCloud outputs an OpenStack resource consumes, by type; everything else echoes the inputs.
ALICLOUD_OUTPUTS: dict[str, str] = {"alicloud:vpn/gateway:Gateway": "internetIp"}


@dataclass
class Applied:
    urn: str
    type: str
    cloud: str
    region: str
    id: str
    inputs: dict[str, Any]
    undo: Any


@dataclass
class ContractRun:
    stack: str
    applied: list[Applied] = field(default_factory=list)
    refusals: list[Exception] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    #: Resources of types the local plane cannot carry (real_apis.NOT_SERVED): reported, never applied.
    not_served: list[str] = field(default_factory=list)
    error: BaseException | None = None


def _integral(value: Any) -> Any:
    """Numbers as the program wrote them: the wire carries 8192 as 8192.0, an API may refuse that."""
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class RealApis(mocks.Mocks):
    """Creates each OpenStack resource through its API; AliCloud and components stay mocked."""

    def __init__(self, apis: Any, clouds: Path, secure: Path, run: ContractRun) -> None:
        self.apis = apis
        self.clouds, self.secure = clouds, secure
        self.run = run
        self.urn = ""
        self.providers: dict[str, tuple[str, str]] = {}
        self.connections: dict[tuple[str, str], Any] = {}
        self.addresses = 0

    def connection(self, cloud: str, region: str) -> Any:
        key = (cloud, region)
        if key not in self.connections:
            from openstack import connection
            from openstack.config import loader

            with self.apis.quiet_sdk():
                config = loader.OpenStackConfig(config_files=[str(self.clouds)], secure_files=[str(self.secure)],
                                                load_envvars=False)
                self.connections[key] = connection.Connection(config=config.get_one(cloud=cloud,
                                                                                    region_name=region))
        return self.connections[key]

    def _api(self, provider: str | None, inputs: dict[str, Any]) -> tuple[Any, str, str]:
        cloud, region = self.providers[(provider or "").rsplit("::", 1)[0]]
        region = inputs.get("region") or region
        return self.apis.Api(self.connection(cloud, region), region, self.urn), cloud, region

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = _integral(dict(args.inputs))
        if args.typ == "pulumi:providers:openstack":
            self.providers[self.urn] = (inputs["cloud"], inputs.get("region") or "")
            return self.apis.provider_id(), inputs
        if not args.typ.startswith("openstack:"):
            if args.typ in ALICLOUD_OUTPUTS:
                self.addresses += 1
                inputs[ALICLOUD_OUTPUTS[args.typ]] = f"203.0.113.{self.addresses}"
            return f"{args.name}-id", inputs
        if args.typ in self.apis.NOT_SERVED:
            self.run.not_served.append(f"{self.urn}: {self.apis.NOT_SERVED[args.typ]}")
            return f"{args.name}-not-served", inputs
        create = self.apis.CREATES.get(args.typ)
        if create is None:
            self.run.unmapped.append(f"{self.urn}: no API request for {args.typ} in real_apis.CREATES")
            raise NotImplementedError(self.run.unmapped[-1])
        api, cloud, region = self._api(args.provider, inputs)
        try:
            created = create(api, inputs)
        except self.apis.ApiRefused as refused:
            self.run.refusals.append(refused)
            raise
        self.run.applied.append(Applied(self.urn, args.typ, cloud, region, created.id, inputs, created.undo))
        return created.id, {**inputs, **{k: v for k, v in created.outputs.items() if v is not None}}

    def call(self, args: mocks.MockCallArgs) -> Any:
        lookup = self.apis.INVOKES.get(args.token)
        if lookup is None:
            raise NotImplementedError(f"no API request for invoke {args.token} in real_apis.INVOKES")
        api, _, _ = self._api(args.provider, dict(args.args))
        try:
            return lookup(api, dict(args.args))  # a dict: the SDK reads no check failures then
        except self.apis.ApiRefused as refused:
            self.run.refusals.append(refused)
            raise


class ContractMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, telling :class:`RealApis` which URN each registration is."""

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        _open_loop()
        self.mocks.urn = self.make_urn(request.parent, request.type, request.name)  # type: ignore[attr-defined]
        return super().RegisterResource(request)

    def Invoke(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        _open_loop()
        self.mocks.urn = f"invoke {request.tok}"  # type: ignore[attr-defined]
        return super().Invoke(request)


def _open_loop() -> None:
    """The SDK's mock monitor awaits on this thread's event loop; a previous run may have closed it."""
    with contextlib.suppress(RuntimeError):
        if asyncio.get_event_loop().is_closed():
            asyncio.set_event_loop(asyncio.new_event_loop())


def run_stack(stack: str, root: Path, apis: Any, clouds: Path, secure: Path) -> ContractRun:
    """Run ``__main__.py`` for ``stack`` against the control plane; never raises for the program's failures."""
    from medcloud.components.program import load_region
    from medcloud.components.secrets import required_config, required_secrets

    stack_file = root / "stacks" / f"Pulumi.{stack}.yaml"
    config, secret_keys = stack_config(stack_file, yaml.safe_load(stack_file.read_text(encoding="utf-8")))
    region = load_region(root / "stacks" / config["medcloud:region"])
    for key in required_secrets(region):
        config[key] = secrets.token_urlsafe(24)  # IPsec PSKs, the container-sync key: fresh each run
        secret_keys.append(key)
    for key in required_config(region):  # the operator's facts (Express Connect access points)
        config.setdefault(key, f"ap-contract-{key.rsplit('-', 1)[-1]}")
    run = ContractRun(stack)
    monitor = ContractMonitor(RealApis(apis, clouds, secure, run))
    project = yaml.safe_load((root / "Pulumi.yaml").read_text(encoding="utf-8"))["name"]
    try:
        run_with_monitor(monitor, lambda: runpy.run_path(str(root / "__main__.py"), run_name="__main__"),
                         project=project, stack_name=stack, config=config, secret_keys=secret_keys, dry_run=False)
    except Exception as exc:  # the program's failure is the finding, reported by the test
        run.error = exc
    return run


def run_body(name: str, body: Any, apis: Any, clouds: Path, secure: Path) -> ContractRun:
    """Run a small program (``body``) the same way, for tests that put a defect back on purpose."""
    run = ContractRun(name)
    try:
        run_with_monitor(ContractMonitor(RealApis(apis, clouds, secure, run)), body, project="medcloud-contract",
                         stack_name=name, dry_run=False)
    except Exception as exc:
        run.error = exc
    return run


def undo(run: ContractRun, apis: Any, clouds: Path, secure: Path) -> list[str]:
    """Delete what the run created, newest first; returns the deletes the APIs refused."""
    helper = RealApis(apis, clouds, secure, ContractRun(run.stack))
    failures = []
    for item in reversed(run.applied):
        if item.undo is None:
            continue
        api = apis.Api(helper.connection(item.cloud, item.region), item.region, item.urn)
        try:
            item.undo(api)
        except Exception as exc:  # every refused delete is reported, none stops the others
            failures.append(str(exc))
    return failures
