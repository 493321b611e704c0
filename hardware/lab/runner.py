"""Start, inspect and stop a lab; its state lives in a run directory.

Run directory (default ``<repo>/.lab``, gitignored; mode 0700)::

    state.json           what runs: pids, ports, namespaces, links (no secrets)
    inventory.yaml       the generated inventory (sealed credentials only)
    bmc/<name>/          lan.conf (0600: the BMC's own account), *.emu, ipmi_sim state
    snmp/<group>/        composed .snmprec files, snmpsim args file (0600), index cache
    ssh/<name>/          sshd_config, host key, authorized_keys, shims
    logs/<peer>.log      each peer's stdout/stderr

Ports: every UDP port (BMCs, SNMP agents) is allocated at ``up`` by binding
port 0 on 127.0.0.1 under a machine-wide lock, so two labs, or a lab and the
test suite, never pick the same one; the ports are written into the
generated inventory.  SSH targets get their own namespace and /30 link, so
they all use port 22 on distinct addresses.

``up`` is idempotent: when every recorded peer still runs it returns the
existing lab; otherwise it cleans up what is left and starts afresh.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets as pysecrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from medcloud.hardware.lab import host as hostlab
from medcloud.hardware.lab.bmc import BMCInstance
from medcloud.hardware.lab.catalogue import MODELS, bmc_model, product_serial
from medcloud.hardware.lab.scenario import SLOW_AGENT_MS, LabSwitch, Scenario, bmc_network, default
from medcloud.hardware.lab.switch import Neighbour, SwitchRecording, mac_for

from medcloud import signals
from medcloud.errors import LabError as LabError  # noqa: PLC0414 -- re-export; defined in medcloud.errors
from medcloud.errors import SecretError, SourceError
from medcloud.escape import terminal
from medcloud.yamlio import load_json, write_atomic

LOCK_PATH = Path("/run/lock/medcloud-lab.lock") if Path("/run/lock").is_dir() else Path("/tmp/medcloud-lab.lock")
STATE = "state.json"
INVENTORY = "inventory.yaml"
#: Seconds a peer gets to come up / to go away.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 5.0
SNMP_USER = "medcloud-lab"
#: Switches one snmpsim process serves.
SWITCHES_PER_AGENT = 5
#: Varbinds per snmpsim answer; real agents allow 64-128 (Huawei VRP 100, Comware 128).
MAX_VAR_BINDS = 128
#: Seconds before now a freshly composed recording is dated (see ``_start_snmp``).
RECORDING_AGE_S = 2.0
BMC_USER = "admin"

#: ``chassis_control`` of a lab BMC: ``<device> get|set parm [value] ...`` (OpenIPMI's
#: ipmi_sim_chassiscontrol protocol); state files stand in for the server's power and firmware.
CHASSIS_CONTROL = """#!/bin/sh
# medcloud lab chassis control: <device> get|set parm [value] ...
state="@STATE@"
shift
op="$1"; shift
case "$op" in
  get)
    for parm in "$@"; do
      case "$parm" in
        power) echo "power:$(cat "$state/power" 2>/dev/null || echo 1)" ;;
        boot) echo "boot:$(cat "$state/boot" 2>/dev/null || echo none)" ;;
        *) echo "Invalid parameter: $parm"; exit 1 ;;
      esac
    done ;;
  set)
    while [ $# -ge 2 ]; do
      case "$1" in
        power) echo "$2" > "$state/power" ;;
        reset) ;;
        shutdown) echo 0 > "$state/power" ;;
        boot) case "$2" in none|pxe|default|cdrom|bios) echo "$2" > "$state/boot" ;;
                *) echo "Invalid boot value: $2"; exit 1 ;; esac ;;
        identify) shift ;;
        *) echo "Invalid parameter: $1"; exit 1 ;;
      esac
      shift 2
    done ;;
  *) exit 1 ;;
esac
exit 0
"""
#: ``lan_config_program`` of a lab BMC (OpenIPMI's ipmi_sim_lancontrol protocol): the BMC
#: network settings that a real BMC applies to its NIC, kept in state files.
LAN_CONTROL = """#!/bin/sh
# medcloud lab LAN control: <device> get|set|check parm [value] ...
state="@STATE@"
shift
op="$1"; shift
default() {
  case "$1" in
    ip_addr_src) echo dhcp ;;
    *_mac_addr|mac_addr) echo 00:00:00:00:00:00 ;;
    *) echo 0.0.0.0 ;;
  esac
}
case "$op" in
  get)
    for parm in "$@"; do
      echo "$parm:$(cat "$state/$parm" 2>/dev/null || default "$parm")"
    done ;;
  set)
    while [ $# -ge 2 ]; do
      case "$1" in
        ip_addr|ip_addr_src|subnet_mask|default_gw_ip_addr|default_gw_mac_addr|backup_gw_ip_addr|backup_gw_mac_addr)
          echo "$2" > "$state/$1" ;;
        *) echo "Invalid parameter: $1"; exit 1 ;;
      esac
      shift 2
    done ;;
  check)
    [ "$1" = ip_addr_src ] && case "$2" in static|dhcp) exit 0 ;; esac
    exit 1 ;;
  *) exit 1 ;;
esac
exit 0
"""
SSH_USER = "root"


#: Peers this process started, kept so they are reaped (not left as zombies) on `down`.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass
class Peer:
    """One process the lab started."""

    kind: str  # "bmc", "snmp", "ssh"
    name: str
    pid: int | None
    address: str
    ports: list[int]
    log: str
    #: What the peer serves (device names), for ``status``.
    serves: list[str] = field(default_factory=list)
    #: The process's identity: its start time (clock ticks after boot), taken at spawn, and a
    #: digest of its command line, taken once it is ready (``ip netns exec`` execs into sshd),
    #: so a recycled or forged pid is never mistaken for the peer.
    start_ticks: int | None = None
    cmdline_sha: str | None = None

    def alive(self) -> bool:
        return self.pid is not None and _alive(self.pid) and self.owned()

    def owned(self) -> bool:
        """Whether ``pid`` is still the process the lab started (issue 16: `down` killed a stranger)."""
        if self.pid is None or self.start_ticks is None:
            return False
        identity = _identity(self.pid)
        return identity is not None and identity[0] == self.start_ticks and \
            self.cmdline_sha in (None, identity[1])


@dataclass
class LabState:
    run_dir: str
    scenario: str
    inventory: str
    started: float
    peers: list[Peer]
    netns: list[str]
    veths: list[str]
    #: Faults injected, device → description.
    faults: dict[str, str]
    #: Devices that deliberately have no peer (dead BMC).
    absent: list[str] = field(default_factory=list)
    #: Device → the kind of peer its fault is injected in ("bmc", "ssh", "snmp").
    fault_peers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabState:
        """Read a state file, checking its shape: it is trusted with pids and paths (issue 16)."""
        if not isinstance(data, dict) or not isinstance(data.get("peers"), list):
            raise TypeError("not a lab state object with a peers list")
        peers = [Peer(**p) for p in data.pop("peers")]
        state = cls(peers=peers, **data)
        for peer in state.peers:
            if peer.pid is not None and (isinstance(peer.pid, bool) or not isinstance(peer.pid, int)
                                         or peer.pid <= 1):
                raise ValueError(f"peer {peer.name!r}: pid {peer.pid!r} is not a child process id")
        for name in ("run_dir", "inventory", "scenario"):
            if not isinstance(getattr(state, name), str):
                raise TypeError(f"{name} must be a string")
        if not all(isinstance(x, str) for x in (*state.netns, *state.veths)):
            raise TypeError("netns and veths must be lists of names")
        return state


def _identity(pid: int) -> tuple[int, str] | None:
    """(start time in clock ticks, SHA-256 of the command line) of a live process, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # Fields after "(comm)": state is the 3rd field of stat, starttime the 22nd.
    fields = stat.rsplit(")", 1)[-1].split()
    try:
        return int(fields[19]), hashlib.sha256(cmdline).hexdigest()
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


@contextlib.contextmanager
def machine_lock() -> Iterator[None]:
    """Serialise port and link allocation between labs on this machine."""
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_PATH, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def switch_recording(switch: LabSwitch) -> SwitchRecording:
    """What a lab switch serves: its device recording, LLDP rows for its cabling, its VLANs, its fault."""
    neighbours = tuple(
        Neighbour(cable.actual_port or cable.port, cable.server, cable.nic, mac_for(cable.server, cable.nic))
        for cable in switch.cabling
    )
    return SwitchRecording(switch.recording, neighbours, switch.vlans,
                           delay_ms=SLOW_AGENT_MS if switch.fault == "slow-agent" else 0)


def free_udp_ports(count: int) -> list[int]:
    """``count`` distinct free UDP ports on 127.0.0.1 (held together, then released)."""
    held = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [s.getsockname()[1] for s in held]
    finally:
        for sock in held:
            sock.close()


def _udp_bound() -> set[int]:
    """The UDP ports something listens on at 127.0.0.1 (the kernel's socket table)."""
    bound = set()
    try:
        with open("/proc/net/udp") as handle:
            for line in handle.readlines()[1:]:
                local = line.split()[1] if line.strip() else ""
                if local.startswith("0100007F:"):
                    bound.add(int(local.split(":")[1], 16))
    except OSError:
        pass
    return bound


def _tcp_open(address: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=0.5):
        return True
    return False


def _load_key(run_dir: Path) -> tuple[bytes, str | None]:
    """The sealing key, and the key file path if ``up`` had to create one."""
    from medcloud.secrets import load_key, new_key_hex
    from medcloud.secrets.keys import parse_key

    try:
        return load_key(), None
    except SecretError:
        if os.environ.get("MEDCLOUD_SECRET_KEY") or os.environ.get("MEDCLOUD_SECRET_KEY_FILE"):
            raise  # a configured but broken key is the user's to fix, not ours to replace
    path = run_dir / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_hex() + "\n")
    return parse_key(path.read_text(), str(path)), str(path)


class Lab:
    """A lab rooted at ``run_dir``."""

    def __init__(self, run_dir: Path, scenario: Scenario | None = None, *, ssh: bool = True,
                 inventory: Path | None = None) -> None:
        self.run_dir = run_dir.resolve()
        #: Where ``up`` writes the generated inventory (default: in the run directory).
        self.inventory_path = (inventory or self.run_dir / INVENTORY).resolve()
        self.scenario = scenario or default()
        self.ssh = ssh
        self.lab_id = _short_id(str(self.run_dir))

    # --- inspection ------------------------------------------------------------

    def state(self) -> LabState | None:
        path = self.run_dir / STATE
        if not path.exists():
            return None
        try:
            return LabState.from_json(load_json(path))
        except (ValueError, TypeError, KeyError, AttributeError, SourceError) as exc:
            raise LabError(f"{path}: unreadable lab state ({terminal(str(exc))}); run `medcloud lab down`") from None

    def running(self) -> bool:
        state = self.state()
        return state is not None and all(p.alive() for p in state.peers)

    # --- up ------------------------------------------------------------------------

    def up(self) -> tuple[LabState, str | None]:
        """Start the lab (or return the running one); also returns a created key file path."""
        existing = self.state()
        if existing is not None and all(p.alive() for p in existing.peers):
            return existing, None
        if existing is not None:
            self.down()
        if self.ssh and any(s.ssh for s in self.scenario.servers):
            reason = hostlab.missing_requirements()
            if reason is not None:
                raise LabError(f"cannot start the lab's SSH targets: {reason} (or use --no-ssh)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.run_dir.chmod(0o700)
        (self.run_dir / "logs").mkdir(exist_ok=True)
        key, key_file = _load_key(self.run_dir)
        state = LabState(run_dir=str(self.run_dir), scenario=self.scenario.name,
                         inventory=str(self.inventory_path), started=time.time(), peers=[],
                         netns=[], veths=[], faults=dict(self.scenario.faults),
                         fault_peers=dict(self.scenario.fault_peers))
        spawned_before = set(_CHILDREN)
        try:
            self._start(state, key)
            self._save(state)
        except BaseException:  # interrupted or failed (saving included): stop what was started
            self._save(state)
            self.down()
            # A peer started just before the interrupt, not yet in ``state`` (between its spawn
            # and the append), is stopped too: seen as an orphan ipmi_sim on a loaded machine.
            for pid in set(_CHILDREN) - spawned_before:
                _terminate(pid)
            raise
        return state, key_file

    def _inside(self, path: Path) -> Path | None:
        """``path`` if it lies inside the lab folder (symlinks resolved), else None."""
        resolved = path.resolve()
        return resolved if resolved.is_relative_to(self.run_dir) else None

    def _save(self, state: LabState) -> None:
        write_atomic(self.run_dir / STATE, json.dumps(state.to_json(), indent=2) + "\n")

    def _start(self, state: LabState, key: bytes) -> None:
        from medcloud.secrets import seal

        scenario = self.scenario
        bmc_password = pysecrets.token_urlsafe(12)
        wrong_password = pysecrets.token_urlsafe(12)
        auth_key = pysecrets.token_hex(16)
        priv_key = pysecrets.token_hex(16)
        client_private, client_public = hostlab.openssh_keypair()
        ssh_servers = [s for s in scenario.servers if s.ssh and self.ssh]
        slow = [s for s in scenario.switches if s.fault == "slow-agent"]
        healthy = [s for s in scenario.switches if s.fault != "slow-agent"]

        with machine_lock():
            ports = free_udp_ports(len(scenario.servers) + len(scenario.switches))
            links = hostlab.free_links(len(ssh_servers), hostlab.used_links()) if ssh_servers else []
            bmc_ports = dict(zip((s.name for s in scenario.servers), ports, strict=False))
            snmp_ports = dict(zip((s.name for s in scenario.switches), ports[len(scenario.servers):],
                                  strict=True))
            hosts = {
                server.name: hostlab.HostInstance(
                    name=server.name, recording=MODELS[server.model].host_recording,
                    netns=f"mclab-{self.lab_id}-{i}", veth=f"mcl{self.lab_id}{i}h",
                    link=link, directory=self.run_dir / "ssh" / server.name)
                for i, (server, link) in enumerate(zip(ssh_servers, links, strict=True))
            }
            # Namespaces and links are claimed inside the lock, so a concurrent `up` sees them.
            for instance in hosts.values():
                state.netns.append(instance.netns)
                state.veths.append(instance.veth)
                instance.plumb()

        known_hosts: dict[str, str] = {}
        for server in ssh_servers:
            instance = hosts[server.name]
            known_hosts[server.name] = instance.prepare(client_public)
            state.peers.append(self._spawn("ssh", server.name, instance.command(), instance.address, [22]))

        for server in scenario.servers:
            if server.fault == "dead-bmc":
                state.absent.append(server.name)
                continue
            password = wrong_password if server.fault == "wrong-password" else bmc_password
            state.peers.append(self._start_bmc(server.name, server.model, bmc_ports[server.name], password))

        # snmpsim is one single-threaded Python process; a few switches each spread a big lab
        # over the cores.  The slow agent blocks its whole process, so it gets one of its own.
        groups = [(f"agents-{i // SWITCHES_PER_AGENT + 1}", healthy[i:i + SWITCHES_PER_AGENT])
                  for i in range(0, len(healthy), SWITCHES_PER_AGENT)]
        for group, members in [*groups, ("slow", slow)]:
            if members:
                state.peers.append(self._start_snmp(group, members, snmp_ports, auth_key, priv_key))

        self._wait_ready(state)
        for peer in state.peers:
            identity = _identity(peer.pid) if peer.pid is not None else None
            peer.cmdline_sha = identity[1] if identity else None
        write_atomic(self.run_dir / "known_hosts", "\n".join(known_hosts.values()) + "\n")
        # The inventory pins each target's host key, as a delivery note would.
        ssh_pins = {name: tuple(line.split(" ", 1)) for name, line in known_hosts.items()}
        inventory = self._inventory(bmc_ports, snmp_ports, ssh_pins, {
            "bmc": seal(bmc_password, key), "auth": seal(auth_key, key), "priv": seal(priv_key, key),
            "ssh": seal(client_private, key),
        })
        write_atomic(self.inventory_path, inventory)

    def _spawn(self, kind: str, name: str, argv: list[str], address: str, ports: list[int],
               serves: list[str] | None = None, env: dict[str, str] | None = None) -> Peer:
        log = self.run_dir / "logs" / f"{kind}-{name}.log"
        environment = dict(os.environ)
        environment.update(env or {})
        # Started and registered as one step: an interrupt in between would leave a peer nobody stops.
        with open(log, "ab") as out, signals.shielded():
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, env=environment, cwd=self.run_dir)
            _CHILDREN[process.pid] = process
        signals.checkpoint()
        identity = _identity(process.pid)
        return Peer(kind, name, process.pid, address, ports, str(log), serves or [name],
                    start_ticks=identity[0] if identity else None)

    def _start_bmc(self, name: str, model: str, port: int, password: str) -> Peer:
        directory = self.run_dir / "bmc" / name
        (directory / "state").mkdir(parents=True, exist_ok=True)
        instance = BMCInstance(name, port, BMC_USER, password, bmc_model(MODELS[model], name),
                               MODELS[model].factory_accounts)
        # ipmi_sim runs these for chassis power/boot and for the LAN parameters it keeps outside
        # itself; the files under ``hw/`` are the server's power, boot device and BMC network.
        hardware = directory / "hw"
        hardware.mkdir(exist_ok=True)
        for stale in hardware.iterdir():  # every `up` starts from the factory state
            stale.unlink()
        (hardware / "mac_addr").write_text(mac_for(name, "bmc").hex(":") + "\n", encoding="utf-8")
        control = directory / "chassis-control"
        control.write_text(CHASSIS_CONTROL.replace("@STATE@", str(hardware)), encoding="utf-8")
        control.chmod(0o755)
        lan = directory / "lan-control"
        lan.write_text(LAN_CONTROL.replace("@STATE@", str(hardware)), encoding="utf-8")
        lan.chmod(0o755)
        conf = directory / "lan.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(instance.lan_conf(control, lan))
        (directory / "bmc.emu").write_text(instance.model.emu(), encoding="utf-8")
        # -p: no persistent state; each `up` starts from the emulator file.  Measured: without
        # it, pyghmi saw multi-second retransmit stalls in a BMC's first ~15 s; with it, rare 1 s ones.
        argv = ["ipmi_sim", "-n", "-p", "-c", str(conf), "-f", str(directory / "bmc.emu"),
                "-s", str(directory / "state")]
        return self._spawn("bmc", name, argv, "127.0.0.1", [port])

    def _start_snmp(self, group: str, switches: list[Any], ports: dict[str, int],
                    auth_key: str, priv_key: str) -> Peer:
        directory = self.run_dir / "snmp" / group
        data = directory / "data"
        cache = directory / "cache"
        data.mkdir(parents=True, exist_ok=True)
        cache.mkdir(exist_ok=True)
        for switch in switches:
            path = data / f"{switch.name}.snmprec"
            text = switch_recording(switch).compose()
            # Unchanged content keeps its mtime, so snmpsim reuses the index (fast re-up).
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                write_atomic(path, text)
                # snmpsim trusts an index only if it is newer than its data file, comparing
                # whole-second mtimes: an index built within the second the file was written
                # counts as stale and is rebuilt at the first request, so the first walk of every
                # switch would pay for indexing.  The file's content is all that is new.
                written = time.time() - RECORDING_AGE_S
                os.utime(path, (written, written))
        args = [
            f"--data-dir={data}", "--v3-only",
            f"--v3-user={SNMP_USER}", f"--v3-auth-key={auth_key}", "--v3-auth-proto=SHA256",
            f"--v3-priv-key={priv_key}", "--v3-priv-proto=AES",
            *(f"--agent-udpv4-endpoint=127.0.0.1:{ports[s.name]}" for s in switches),
        ]
        # Keys go in a 0600 file, never on the command line (visible in ps).
        args_file = directory / "args"
        fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(args) + "\n")
        # snmpsim's responder through our entry point, which puts its answer limit in force (see
        # ``snmpagent``).  Logging and cache options only take effect on the command line (snmpsim
        # reads them before the args file).  At info level snmpsim prints the USM keys: keep it at error.
        argv = [sys.executable, "-m", "medcloud.hardware.lab.snmpagent", f"--max-var-binds={MAX_VAR_BINDS}",
                "--logging-method=stderr", "--log-level=error", f"--cache-dir={cache}",
                f"--args-from-file={args_file}"]
        # snmpsim refuses root unless told; dropping to nobody fails when Python lives under /root.
        return self._spawn("snmp", group, argv, "127.0.0.1", [ports[s.name] for s in switches],
                           serves=[s.name for s in switches], env={"SNMPSIM_ALLOW_ROOT": "true"})

    def _wait_ready(self, state: LabState) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        pending = list(state.peers)
        for _ in range(int(START_TIMEOUT / 0.05) + 1):
            still = []
            bound = _udp_bound()
            for peer in pending:
                if not peer.alive():
                    tail = _tail(self._inside(Path(peer.log)))
                    raise LabError(f"lab {peer.kind} {peer.name} exited while starting: {tail}")
                if peer.kind == "ssh":
                    ready = _tcp_open(peer.address, peer.ports[0])
                else:
                    ready = all(p in bound for p in peer.ports)
                if not ready:
                    still.append(peer)
            pending = still
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if pending:
            names = ", ".join(f"{p.kind} {p.name}" for p in pending)
            raise LabError(f"lab peers not ready within {START_TIMEOUT:g} s: {names} (see {self.run_dir}/logs)")

    # --- the generated inventory ---------------------------------------------------

    def _inventory(self, bmc_ports: dict[str, int], snmp_ports: dict[str, int],
                   ssh_pins: dict[str, tuple[str, ...]], sealed: dict[str, str]) -> str:
        scenario = self.scenario
        location: dict[str, Any] = {"centre": scenario.centre, "room": scenario.room}
        credentials: dict[str, Any] = {
            "bmc-admin": {"kind": "ipmi", "username": BMC_USER, "password": sealed["bmc"]},
            "snmp-lab": {"kind": "snmpv3", "username": SNMP_USER, "auth_protocol": "SHA256",
                         "auth_key": sealed["auth"], "priv_protocol": "AES", "priv_key": sealed["priv"]},
            "ssh-root": {"kind": "ssh", "username": SSH_USER, "private_key": sealed["ssh"]},
        }
        servers: list[dict[str, Any]] = []
        for index, server in enumerate(scenario.servers):
            pin = ssh_pins.get(server.name)
            servers.append({
                "name": server.name, "profile": server.profile,
                "location": {**location, "rack": server.rack, "unit": server.unit},
                # The delivery note's serial: what the lab BMC's FRU holds (asset.serial, R-HW-08).
                "serial": product_serial(server.name),
                # Benchmark labs have no SSH targets; port 9 (discard) is never served.
                "ssh": {"address": pin[0], "port": 22, "credential": "ssh-root", "host_key": pin[1]} if pin else
                       {"address": "127.0.0.1", "port": 9, "credential": "ssh-root"},
                "bmc": {"address": "127.0.0.1", "port": bmc_ports[server.name], "credential": "bmc-admin",
                        "network": bmc_network(index)},
            })
        switches: list[dict[str, Any]] = []
        for switch in scenario.switches:
            switches.append({
                "name": switch.name, "profile": switch.profile, "vendor": switch.vendor, "model": switch.model,
                "location": {**location, "rack": switch.rack, "unit": switch.unit},
                "management": {"address": "127.0.0.1", "port": snmp_ports[switch.name],
                               "credential": "snmp-lab", "context": switch.name},
                "cabling": [{"port": c.port, "remote_device": c.server, "remote_port": c.nic}
                            for c in switch.cabling],
                "vlans": [{"id": i, "name": n} for i, n in switch.vlans],
            })
        header = (
            f"# Generated by `medcloud lab up` for the lab in {self.run_dir} (scenario {scenario.name}).\n"
            "# Ports and keys are allocated at each `up`; credentials are sealed (medcloud.secrets).\n"
            "# Injected faults:\n"
            + "".join(f"#   {device}: {what}\n" for device, what in scenario.faults.items())
        )
        body = yaml.safe_dump({"credentials": credentials, "servers": servers, "switches": switches},
                              sort_keys=False, allow_unicode=True, width=200)
        return header + body

    # --- down ----------------------------------------------------------------------

    def down(self) -> list[str]:
        """Stop every peer, remove namespaces and links; returns what was stopped."""
        state = self.state()
        if state is None:
            return []
        stopped = []
        # The state file is only a hint: each pid must still be the process the lab started,
        # each name the lab's own, each path inside the lab folder or a lab-generated inventory.
        for peer in state.peers:
            if peer.pid is not None and peer.alive():
                _terminate(peer.pid)
                stopped.append(f"{peer.kind} {peer.name} (pid {peer.pid})")
        netns_name = re.compile(rf"mclab-{self.lab_id}-\d+")
        veth_name = re.compile(rf"mcl{self.lab_id}\d+h")
        for netns, veth in zip(state.netns, state.veths, strict=False):
            if netns_name.fullmatch(netns):
                hostlab.run(["ip", "netns", "delete", netns], check=False)
            if veth_name.fullmatch(veth):
                hostlab.run(["ip", "link", "delete", veth], check=False)
        inventory = Path(state.inventory)
        if inventory.is_file() and not inventory.is_symlink() and self._generated(inventory):
            inventory.unlink(missing_ok=True)
        (self.run_dir / STATE).unlink(missing_ok=True)
        return stopped

    def _generated(self, path: Path) -> bool:
        """Whether ``path`` is an inventory this lab wrote (its first line names the lab)."""
        try:
            with path.open("rb") as handle:
                first = handle.readline(4096)
        except OSError:
            return False
        return first.startswith(f"# Generated by `medcloud lab up` for the lab in {self.run_dir} ".encode())


def _terminate(pid: int) -> None:
    """SIGTERM the peer's process group, SIGKILL it if it lingers (bounded wait)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and _alive(pid):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=STOP_TIMEOUT)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _tail(path: Path | None, lines: int = 3) -> str:
    if path is None:
        return "(log outside the lab folder: not read)"
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " | ".join(text[-lines:]) or "(empty log)"


def _short_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:6]


def default_run_dir() -> Path:
    """``$MEDCLOUD_LAB_DIR``, else ``.lab`` in the checkout (``$MEDCLOUD_HOME``) or the current directory."""
    explicit = os.environ.get("MEDCLOUD_LAB_DIR")
    if explicit:
        return Path(explicit)
    home = os.environ.get("MEDCLOUD_HOME")
    return Path(home or ".") / ".lab"
