"""Lab SSH targets: a real ``sshd`` per server, each in a network namespace of its own.

Why a namespace rather than pyinfra's ``@local``: acceptance must exercise the
real SSH path (key exchange, host key, public-key login, exec channels,
exit codes, timeouts), and each lab server needs its own address and its own
view of ``/etc/os-release`` and ``/sys/class``.  ``ip netns`` gives the
address (a veth pair, host end ``10.213.x.1/30``, server end ``.2``);
``unshare --mount`` gives the private file view:

* a directory of shims bind-mounted over ``/usr/local/sbin`` (first in the
  root ``PATH`` sshd sets) answering the recorded commands, e.g.
  ``lscpu -J`` prints the recorded Kunpeng 920 output;
* the recorded ``/etc/os-release`` bind-mounted over the host's;
* a tmpfs over ``/sys/class`` holding the recorded ``net/*/speed`` and
  ``nvme*/device/current_link_width`` files.

So the *OS facts are recorded outputs*, served over a real SSH session; the
recordings and their provenance are in ``data/hosts/``.  Needs root (netns,
mounts); the lab reports a clear reason when it is not.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from medcloud.errors import HostSetupError as HostSetupError  # noqa: PLC0414 -- re-export; defined in medcloud.errors

HOSTS_DATA = Path(__file__).parent / "data" / "hosts"
#: The /16 lab links are carved from, one /30 each.
LINK_NET = ipaddress.IPv4Network("10.213.0.0/16")
SSHD = "/usr/sbin/sshd"
SSH_PORT = 22
_COMMAND_TIMEOUT = 15.0


def run(argv: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a setup command (ip, mount…), bounded in time; failures name the command."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise HostSetupError(f"{' '.join(argv)}: no answer within {_COMMAND_TIMEOUT:g} s") from None
    if check and done.returncode != 0:
        raise HostSetupError(f"{' '.join(argv)}: {done.stderr.strip() or done.stdout.strip()}")
    return done


def missing_requirements() -> str | None:
    """Why SSH targets cannot run here, or ``None`` if they can."""
    if os.geteuid() != 0:
        return "SSH targets need root (ip netns, mount namespaces)"
    for tool in ("ip", "unshare", "mount"):
        if shutil.which(tool) is None:
            return f"SSH targets need {tool!r} (packages iproute2, util-linux)"
    if not Path(SSHD).exists():
        return f"SSH targets need {SSHD} (package openssh-server)"
    return None


def used_links() -> set[ipaddress.IPv4Network]:
    """The lab /30 links already configured on this machine (by any lab)."""
    used = set()
    for line in run(["ip", "-4", "-o", "addr", "show"]).stdout.splitlines():
        for token in line.split():
            if "/" in token and token[0].isdigit():
                try:
                    iface = ipaddress.IPv4Interface(token)
                except ValueError:
                    continue
                if iface.ip in LINK_NET:
                    used.add(iface.network)
    return used


def free_links(count: int, taken: set[ipaddress.IPv4Network]) -> list[ipaddress.IPv4Network]:
    found: list[ipaddress.IPv4Network] = []
    for link in LINK_NET.subnets(new_prefix=30):
        if len(found) == count:
            break
        if link not in taken:
            found.append(link)
    if len(found) < count:
        raise HostSetupError(f"no free /30 left in {LINK_NET} for {count} lab hosts")
    return found


def openssh_keypair() -> tuple[str, str]:
    """A new Ed25519 key: (OpenSSH private key PEM, ``ssh-ed25519 AAAA…`` public line)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    return private, public


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def write_shims(recording: str, target: Path) -> None:
    """One shell script per recorded command: known arguments print the recording."""
    source = HOSTS_DATA / recording
    table = yaml.safe_load((source / "shims.yaml").read_text(encoding="utf-8"))
    target.mkdir(parents=True, exist_ok=True)
    for command, answers in table.items():
        cases = "\n".join(
            f"  {shlex.quote(args)}) exec cat {shlex.quote(str(source / out))} ;;"
            for args, out in answers.items()
        )
        script = (
            "#!/bin/sh\n"
            f"# medcloud lab: recorded outputs of {command!s} on {recording} (see {source}/../README.md)\n"
            'case "$*" in\n'
            f"{cases}\n"
            "esac\n"
            f'echo "{command}: medcloud lab has no recording for: {command} $*" >&2\n'
            "exit 1\n"
        )
        path = target / command
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)


@dataclass(frozen=True)
class HostInstance:
    """One lab SSH target and where its state lives."""

    name: str
    recording: str
    netns: str
    veth: str
    link: ipaddress.IPv4Network
    directory: Path

    @property
    def host_address(self) -> str:
        return str(self.link.network_address + 1)

    @property
    def address(self) -> str:
        return str(self.link.network_address + 2)

    def prepare(self, authorized_key: str) -> str:
        """Write host key, authorized key, shims and sshd_config; return the known_hosts line."""
        self.directory.mkdir(parents=True, exist_ok=True)
        host_private, host_public = openssh_keypair()
        _write_private(self.directory / "ssh_host_ed25519_key", host_private)
        (self.directory / "authorized_keys").write_text(authorized_key + "\n", encoding="utf-8")
        write_shims(self.recording, self.directory / "shims")
        (self.directory / "sshd_config").write_text("\n".join([
            f"ListenAddress {self.address}:{SSH_PORT}",
            f"HostKey {self.directory / 'ssh_host_ed25519_key'}",
            f"AuthorizedKeysFile {self.directory / 'authorized_keys'}",
            f"PidFile {self.directory / 'sshd.pid'}",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            # The run directory is owned by whoever ran `lab up`; strict modes would refuse it.
            "StrictModes no",
            "PrintMotd no",
            "PrintLastLog no",
            "MaxStartups 64:30:128",
            "LogLevel INFO",
            "",
        ]), encoding="utf-8")
        return f"{self.address} {host_public}"

    def plumb(self) -> None:
        """Create the namespace and its veth link (idempotent: leftovers are removed first)."""
        self.unplumb()
        run(["ip", "netns", "add", self.netns])
        peer = self.veth[:-1] + "n"
        run(["ip", "link", "add", self.veth, "type", "veth", "peer", "name", peer])
        run(["ip", "link", "set", peer, "netns", self.netns])
        run(["ip", "addr", "add", f"{self.host_address}/{self.link.prefixlen}", "dev", self.veth])
        run(["ip", "link", "set", self.veth, "up"])
        inside = ["ip", "netns", "exec", self.netns]
        run([*inside, "ip", "addr", "add", f"{self.address}/{self.link.prefixlen}", "dev", peer])
        run([*inside, "ip", "link", "set", peer, "up"])
        run([*inside, "ip", "link", "set", "lo", "up"])

    def unplumb(self) -> None:
        run(["ip", "netns", "delete", self.netns], check=False)
        run(["ip", "link", "delete", self.veth], check=False)

    def command(self) -> list[str]:
        """The argv that starts sshd inside the namespace with the recorded file view."""
        files = HOSTS_DATA / self.recording / "files"
        steps = [
            "set -e",
            f"mount --bind {shlex.quote(str(self.directory / 'shims'))} /usr/local/sbin",
            f"mount --bind {shlex.quote(str(files / 'etc' / 'os-release'))} /etc/os-release",
            "mount -t tmpfs -o size=1m,mode=0755 medcloud-lab /sys/class",
            f"cp -R {shlex.quote(str(files / 'sys' / 'class'))}/. /sys/class/",
            # sshd's privilege-separation directory; lives in the private mount view.
            "mkdir -p /run/sshd",
            f"exec {SSHD} -D -e -f {shlex.quote(str(self.directory / 'sshd_config'))}",
        ]
        return ["ip", "netns", "exec", self.netns, "unshare", "--mount", "--propagation", "private",
                "sh", "-c", "; ".join(steps)]
