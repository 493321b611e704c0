"""Run the real Pulumi program under the SDK's mock engine and record what it registers.

This is what the Python language host does under ``pulumi preview`` —
configure the runtime, load the stack config, ``runpy`` the program inside
``run_in_stack`` — except that the resource monitor is the SDK's
:class:`~pulumi.runtime.mocks.MockMonitor`.  Our subclass records each
``RegisterResource`` request (type, name, parent, custom, inputs,
dependencies, provider) exactly as the engine would receive it; the
recorded steps are the only resource graph the preview ever shows.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import runpy
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2, json_format  # type: ignore[import-untyped]
from pulumi.runtime import mocks, rpc, settings, stack
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2

from medcloud.errors import PreviewProgramError as PreviewProgramError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.errors import SourceError
from medcloud.gcpause import gc_paused

#: The SDK's (and the engine's JSON) marker for a value not known until apply.
UNKNOWN = rpc.UNKNOWN
#: How the preview shows a secret: never the value.
SECRET = "[secret]"
#: Environment prefixes the providers read defaults from; scrubbed so a preview
#: depends only on the repository, not on the operator's shell.
PROVIDER_ENV_PREFIXES = ("OS_", "ALICLOUD_", "ALIBABA_CLOUD_")
#: Stand-in value handed to the program for secrets (never shown: it is a secret).
PLACEHOLDER_SECRET = "offline-preview-placeholder"
#: What the offline preview answers for a cloud lookup (a real preview asks the cloud).
PLACEHOLDER_LOOKUP = "offline-preview-lookup"


@dataclass(frozen=True)
class Registration:
    """One ``RegisterResource`` request, as the engine received it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]
    dependencies: tuple[str, ...]
    provider: str
    #: property → URNs its value came from (the request's propertyDependencies)
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    #: The inputs with secrets' values in place, kept only for a resource that has secrets: the
    #: conformance checks validate them (medcloud.conformance) and never print them.
    revealed: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass
class RunResult:
    project: str
    stack: str
    registrations: dict[str, Registration] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)


def plain(value: Any, reveal: bool = False, found: list[bool] | None = None) -> Any:
    """A property in wire form as plain JSON: secrets hidden at the leaf, unknowns kept as the marker.

    Working on the wire form (not the SDK's deserialised values) keeps
    secretness where it is: the SDK would mark a whole ``ike_config`` secret
    because its ``psk`` is, hiding the cipher choices a reviewer must see.
    Integral numbers print as ints, as ``pulumi preview --json`` does.
    ``reveal`` unwraps secrets instead (for the conformance checks only);
    ``found`` gets an entry when a secret is met.
    """
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            if found is not None:
                found.append(True)
            return plain(value.get("value"), reveal, found) if reveal else SECRET
        if sig == rpc._special_resource_sig:
            return value.get("urn", "")
        return {k: plain(v, reveal, found) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, reveal, found) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class PreviewMocks(mocks.Mocks):
    """Planned state = inputs, ids unknown: what a provider reports for a create in preview."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return "", args.inputs

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        # Only the read-only lookups a backend declares (an external network's id, the project a
        # provider is scoped to) get an answer, a visible placeholder; any other call fails loudly.
        from medcloud.components.backends.registry import offline_lookup_fields

        fields = offline_lookup_fields(args.token)
        if fields is None:
            raise NotImplementedError(f"offline preview cannot answer provider call {args.token}")
        return {name: PLACEHOLDER_LOOKUP for name in fields}, []


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, recording every registration and every output registration."""

    def __init__(self, result: RunResult) -> None:
        super().__init__(PreviewMocks())
        self.result = result

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            self.result.registrations[urn] = Registration(urn, request.type, request.name, "", False, {}, (), "")
            return resource_pb2.RegisterResourceResponse(urn=urn)
        raw = json_format.MessageToDict(request.object)
        secrets: list[bool] = []
        inputs = plain(raw, found=secrets)
        self.result.registrations[urn] = Registration(
            urn=urn, type=request.type, name=request.name, parent=request.parent,
            custom=bool(request.custom), inputs=inputs,
            dependencies=tuple(sorted(set(request.dependencies))), provider=request.provider,
            property_dependencies={k: tuple(sorted(set(v.urns))) for k, v in request.propertyDependencies.items()
                                   if v.urns},
            revealed=plain(raw, reveal=True) if secrets else None,
        )
        # Planned state = the inputs, id unknown: what a provider answers for a create in
        # preview.  Echoing the wire struct skips a deserialise/serialise round trip.
        self.resources[urn] = mocks.MockMonitor.ResourceRegistration(urn, "", {})
        return resource_pb2.RegisterResourceResponse(urn=urn, id="", object=request.object)

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802
        self.result.outputs[request.urn] = plain(json_format.MessageToDict(request.outputs))
        return empty_pb2.Empty()


@contextmanager
def _scrubbed_environment() -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith(PROVIDER_ENV_PREFIXES)}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(saved)


def stack_config(stack_file: Path, data: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """A stack file's ``config:`` as the runtime wants it; encrypted values become placeholders."""
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise SourceError(stack_file, "config must be a mapping", field="config")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = PLACEHOLDER_SECRET
            secret_keys.append(key)
        elif isinstance(value, str):
            values[key] = value
        else:
            values[key] = json.dumps(value)
    return values, secret_keys


#: Upper bound on settle rounds; each round waits for real work, so a program needs a handful.
SETTLE_ROUNDS = 1000


async def settle() -> None:
    """Wait until the RPCs and outputs the program has started so far are all done.

    The SDK's own wait (``wait_for_rpcs``, after the program returns) waits for
    outputs with ``asyncio.wait(FIRST_COMPLETED)`` in a loop: every round hooks
    and unhooks a callback on *every* pending output and ends as soon as one
    resolves, so with tens of thousands of outputs it is quadratic (profiled on
    a 4k-resource preview: 30 rounds, 1.26 M callback hooks, a third of its
    time).  Gathering the pending set waits for all of it with one callback
    each; outputs created meanwhile are picked up by the next round.  Nothing
    is skipped or answered on the SDK's behalf: failures stay on their tasks,
    and the SDK's own wait still runs afterwards, re-raising them and
    finishing the stack.
    """
    manager = settings._get_rpc_manager()
    for _ in range(SETTLE_ROUNDS):
        with settings.SETTINGS.lock:
            pending: list[Any] = [task for task in settings.SETTINGS.outputs if not task.done()]
        # The RPC manager keeps its calls as futures (``ensure_future``), never bare coroutines.
        pending += [rpc for rpc in manager.rpcs if isinstance(rpc, asyncio.Future) and not rpc.done()]
        if not pending:
            return
        await asyncio.gather(*pending, return_exceptions=True)


def _close_worker_loop() -> None:
    """Close the event loop the SDK's stock monitor leaves in its worker thread.

    ``MockMonitor.RegisterResource`` serialises through ``_sync_await``, which
    creates a loop for the executor thread and never closes it.
    """
    policy = asyncio.get_event_loop_policy()
    try:
        loop = policy.get_event_loop()
    except RuntimeError:  # this thread never had one (our RecordingMonitor needs none)
        return
    if not loop.is_running():
        loop.close()
    policy.set_event_loop(None)


def _interrupt() -> None:
    raise KeyboardInterrupt


#: How long an interrupted preview waits for its cancelled tasks to unwind, seconds.
ABANDON_S = 1.0


def _abandon(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what an interrupted run left on ``loop`` and let it unwind briefly (not destroyed pending)."""
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=ABANDON_S))


def run_with_monitor(
    monitor: mocks.MockMonitor,
    body: Callable[[], Any],
    *,
    project: str,
    stack_name: str,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    dry_run: bool = True,
) -> None:
    """Run ``body`` inside a stack as a preview against ``monitor`` (the SDK's mock monitor or ours).

    ``dry_run=False`` runs it as an update instead (the monitor then answers with real ids
    and outputs, as the contract test against the local OpenStack control plane does).

    The one place the event loop, its executor and the runtime settings are set
    up, so the benchmark's floor runs bare resources under exactly the
    conditions the program runs under.
    """
    # The SDK's mock classes are untyped; go through Any rather than silence each call.
    sdk_mocks: Any = mocks
    features: Any = monitor.GetDeploymentInfo
    mock_settings = sdk_mocks.MockSettings(
        monitor=monitor,
        monitor_features=set(features(empty_pb2.Empty()).supportedFeatures),
        engine=sdk_mocks.MockEngine(None), project=project, stack=stack_name, dry_run=dry_run,
        organization="organization", callbacks=None,
    )

    async def main() -> None:
        try:
            body()
        except KeyboardInterrupt:
            # The SDK's ``run_pulumi_func`` catches any BaseException from the program, then
            # waits for every RPC and output started so far before re-raising it -- and an
            # interrupted program leaves outputs waiting on resources it never registered: that
            # wait never ended (the loop idle, the watchdog ending the command 20 s later).
            # Raised again from a loop callback, the interrupt leaves the loop at once.
            asyncio.get_running_loop().call_soon(_interrupt)
            raise
        await settle()

    loop = asyncio.new_event_loop()
    # The SDK hands each monitor call to the loop's default executor.  The mock monitor is
    # pure Python, so extra threads only fight over the GIL (measured: ~30 % slower at 1k-3k
    # resources with the default pool); one worker keeps the calls off the loop all the same.
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="mock-monitor")
    loop.set_default_executor(executor)
    previous = settings.ROOT.get()
    with _scrubbed_environment(), gc_paused():
        try:
            asyncio.set_event_loop(loop)
            settings.ROOT.set(None)
            settings.configure(mock_settings)
            # MockSettings keeps the previous run's output set: after a run that failed, its
            # unfinished tasks (bound to that run's closed loop) would be awaited by this one.
            settings.SETTINGS.outputs = set()
            set_all_config(dict(config or {}), list(secret_keys or []))
            loop.run_until_complete(stack.run_in_stack(main))
        except KeyboardInterrupt:
            _abandon(loop)
            raise
        finally:
            settings.ROOT.set(previous)
            loop.run_until_complete(loop.shutdown_asyncgens())
            # Before loop.close(), which shuts the executor down.
            executor.submit(_close_worker_loop).result()
            asyncio.set_event_loop(None)
            loop.close()
            executor.shutdown(wait=True)


def run_program(
    program: Path,
    *,
    project: str,
    stack_name: str,
    config: Mapping[str, str],
    secret_keys: list[str],
) -> RunResult:
    """Execute ``program`` under mocks as a preview and return what it registered."""
    result = RunResult(project, stack_name)
    run_with_monitor(
        RecordingMonitor(result), lambda: runpy.run_path(str(program), run_name="__main__"),
        project=project, stack_name=stack_name, config=config, secret_keys=secret_keys,
    )
    return result
