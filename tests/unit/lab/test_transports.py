"""The live transports' contracts that need no lab: chunked FRU reads, error mapping, value mapping.

Against closed loopback ports the real libraries run (pysnmp, paramiko via
pyinfra): nothing answers, and the transports must say so as DeviceTimeout.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from typing import Any

import pytest
from medcloud.hardware.lab.bmc import FRU
from medcloud.hardware.transports import ipmi, snmp, ssh
from medcloud.hardware.transports.base import Command, IPMITarget, SNMPTarget, SSHTarget, Timeouts
from pyghmi.exceptions import IpmiException

from medcloud.errors import DeviceAuthError, DeviceProtocolError, DeviceTimeout

RAW_FRU = FRU("Huawei", "TaiShan 200 (Model 2280)", "2280 V2", "SN1", "BC82AMDA", "BS1", "BC82-01",
              "CH-1", "CS1").encode()


class Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value


class ChunkLimitedBMC:
    """Answers Read FRU Data like OpenIPMI: at most ``limit`` bytes, else completion code C8h."""

    def __init__(self, data: bytes, limit: int = 32, code: int = 0xC8) -> None:
        self.data, self.limit, self.code = data, limit, code
        self.requests: list[int] = []

    def raw_command(self, netfn: int, command: int, data: Any = ()) -> dict[str, Any]:
        if command == 0x10:
            if data[0] != 0:
                return {"code": 0xCB, "error": "not present", "data": b""}
            return {"code": 0, "data": bytes([len(self.data) & 0xFF, len(self.data) >> 8, 0])}
        offset, count = data[1] | (data[2] << 8), data[3]
        self.requests.append(count)
        if count > self.limit:
            return {"code": self.code, "error": "Request data field length limit exceeded", "data": b""}
        chunk = self.data[offset:offset + count]
        return {"code": 0, "data": bytes([len(chunk)]) + chunk}


@pytest.mark.parametrize("code", [0xC8, 0xC9, 0xCA])
def test_fru_reader_backs_off_on_every_length_completion_code(code: int) -> None:
    bmc = ChunkLimitedBMC(RAW_FRU, limit=32, code=code)
    assert ipmi.read_fru(bmc, 0) == RAW_FRU
    # The whole FRU fits one 224-byte ask; refused, the reader halves until the BMC accepts.
    assert bmc.requests[:3] == [len(RAW_FRU), len(RAW_FRU) // 2, len(RAW_FRU) // 4]
    assert all(c <= 32 for c in bmc.requests[3:])


def test_fru_reader_gives_up_when_even_small_reads_are_refused() -> None:
    with pytest.raises(DeviceProtocolError, match="refuses"):
        ipmi.read_fru(ChunkLimitedBMC(RAW_FRU, limit=4), 0)


def test_absent_fru_device_is_none() -> None:
    assert ipmi.read_fru(ChunkLimitedBMC(RAW_FRU), 3) is None


@pytest.mark.parametrize(("exc", "kind"), [
    (IpmiException("Incorrect password provided"), DeviceAuthError),
    (IpmiException("Unauthorized name"), DeviceAuthError),
    (IpmiException(None), DeviceTimeout),
    (IpmiException("timeout"), DeviceTimeout),
    (IpmiException("Invalid data field in request"), DeviceProtocolError),
])
def test_pyghmi_errors_map_to_the_transport_contract(exc: Exception, kind: type) -> None:
    assert isinstance(ipmi._classify("bmc:623", exc), kind)


def _closed_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_ipmi_silent_bmc_is_a_timeout_within_the_budget() -> None:
    target = IPMITarget("127.0.0.1", _closed_udp_port(), "admin", Secret("pw"))

    async def collect() -> None:
        async with ipmi.PyghmiIPMI(workers=2) as transport:
            await transport.collect(target, Timeouts(connect=0.5, operation=0.5))

    with pytest.raises(DeviceTimeout, match="within 1 s"):
        asyncio.run(collect())


def test_ipmi_threads_are_bounded_even_when_a_bmc_hangs() -> None:
    """A BMC stuck in pyghmi's retries keeps its slot; the next one times out instead of piling up."""
    silent = IPMITarget("127.0.0.1", _closed_udp_port(), "admin", Secret("pw"))

    async def two() -> tuple[BaseException | None, BaseException | None]:
        transport = ipmi.PyghmiIPMI(workers=1)
        first = asyncio.create_task(transport.collect(silent, Timeouts(connect=0.2, operation=0.2)))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(transport.collect(silent, Timeouts(connect=0.2, operation=0.2)))
        results = await asyncio.gather(first, second, return_exceptions=True)
        return results[0], results[1]  # type: ignore[return-value]

    first, second = asyncio.run(two())
    assert isinstance(first, DeviceTimeout) and "no complete answer" in str(first)
    assert isinstance(second, DeviceTimeout) and "no free IPMI worker" in str(second)


def test_snmp_values_map_to_plain_python() -> None:
    from pysnmp.proto import rfc1902, rfc1905

    assert snmp._varbind("1.2", rfc1902.OctetString(b"\x00\x01")).value == b"\x00\x01"
    assert snmp._varbind("1.2", rfc1902.ObjectIdentifier("1.3.6.1.4.1.2011")).value == "1.3.6.1.4.1.2011"
    assert snmp._varbind("1.2", rfc1902.IpAddress("10.0.0.1")).value == "10.0.0.1"
    counter = snmp._varbind("1.2", rfc1902.Counter64(2 ** 40))
    assert (counter.kind, counter.value) == ("Counter64", 2 ** 40)
    assert snmp._varbind("1.2", rfc1902.Integer32(-3)).kind == "Integer32"
    assert snmp._varbind("1.2", rfc1902.Gauge32(7)).kind == "Gauge32"
    assert snmp._varbind("1.2", rfc1905.endOfMibView).kind == "endOfMibView"


def test_snmp_engine_loads_neither_hlapi_nor_the_mib_compiler() -> None:
    """A walking process pays for pysnmp's engine only: hlapi imports pysmi, requests and urllib3
    (0.15-0.2 s of CPU per process); the engine builds without a warning (as under -W error)."""
    code = (
        "import asyncio, sys\n"
        "from medcloud.hardware.transports import snmp\n"
        "async def main():\n"
        "    snmp.engine(); snmp.close_engine()\n"
        "asyncio.run(main())\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pysmi', 'requests', 'urllib3'}),"
        " 'pysnmp.hlapi' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "False"]


def test_snmp_silent_agent_is_a_timeout() -> None:
    target = SNMPTarget("127.0.0.1", _closed_udp_port(), "u", auth_key=Secret("a" * 12), priv_key=Secret("p" * 12))

    async def walk() -> None:
        try:
            await snmp.PysnmpSNMP().walk(target, ["1.3.6.1.2.1.1"], Timeouts(connect=0.3, operation=2, retries=0))
        finally:
            snmp.close_engine()

    with pytest.raises(DeviceTimeout):
        asyncio.run(walk())


def test_snmp_needs_both_keys_for_authpriv() -> None:
    target = SNMPTarget("127.0.0.1", 161, "u", auth_key=Secret("a" * 12))
    with pytest.raises(DeviceAuthError, match="authPriv"):
        asyncio.run(snmp.PysnmpSNMP().walk(target, ["1.3.6.1.2.1.1"], Timeouts(connect=0.3, operation=2)))


def test_ssh_sudo_only_for_non_root() -> None:
    command = Command("nvme-list", "nvme list -o json", sudo=True)
    assert ssh.wrap(command, "root") == "nvme list -o json"
    assert ssh.wrap(command, "accept") == "sudo -n sh -c 'nvme list -o json'"
    assert ssh.wrap(Command("os", "cat /etc/os-release"), "accept") == "cat /etc/os-release"


def test_ssh_rejects_a_key_it_cannot_read_without_echoing_it() -> None:
    with pytest.raises(DeviceAuthError) as caught:
        ssh._private_key("-----BEGIN NOT A KEY-----\nc2VjcmV0\n")
    assert "c2VjcmV0" not in str(caught.value)


def test_ssh_refused_connection_is_a_timeout_class_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = SSHTarget("127.0.0.1", port, "root", password=Secret("pw"))

    async def run() -> None:
        transport = ssh.PyinfraSSH(workers=1)
        try:
            await transport.run(target, [Command("t", "true")], Timeouts(connect=1, operation=1))
        finally:
            transport.close()

    with pytest.raises(DeviceTimeout):
        asyncio.run(run())


def test_ssh_server_that_refuses_costs_no_worker_thread() -> None:
    """The TCP connection is opened on the event loop: a server without SSH (the benchmark lab's
    BMC-only servers) ends as DeviceTimeout without a worker thread or a pyinfra state."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = ssh.PyinfraSSH(workers=1)

    async def run() -> None:
        await transport.run(SSHTarget("127.0.0.1", port, "root", password=Secret("pw")), [Command("t", "true")],
                            Timeouts(connect=1, operation=1))

    with pytest.raises(DeviceTimeout, match="Connection refused"):
        asyncio.run(run())
    assert transport._pool is None
    transport.close()


def test_ssh_capture_given_up_closes_its_connection() -> None:
    """A server that accepts and never sends its banner: when the caller gives up (device timeout,
    Ctrl-C), the connection is closed at once, not after paramiko's banner timeout."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        target = SSHTarget("127.0.0.1", server.getsockname()[1], "root", password=Secret("pw"))
        transport = ssh.PyinfraSSH(workers=1)

        async def run() -> None:
            await asyncio.wait_for(transport.run(target, [Command("t", "true")], Timeouts(connect=120, operation=1)),
                                   0.5)

        with pytest.raises(TimeoutError):
            asyncio.run(run())
        conn, _ = server.accept()
        with conn:
            conn.settimeout(30)  # the banner timeout is 120 s: end of stream within 30 s is the close
            received = b""
            while chunk := conn.recv(4096):
                received += chunk
        transport.close()
    assert received.startswith(b"SSH-2.0-") or received == b""


def test_ssh_looks_pyinfra_connectors_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry points are read once per process, not three times per server (the 200-BMC benchmark's
    largest CPU cost); every later inventory still gets pyinfra's own SSH connector."""
    from pyinfra.api import connectors
    from pyinfra.api.inventory import Inventory
    from pyinfra.connectors.ssh import SSHConnector

    ssh.install_connector_cache()

    def scan(**_: Any) -> Any:
        raise AssertionError("pyinfra connectors looked up again")

    monkeypatch.setattr(connectors, "entry_points", scan)
    for address in ("127.0.0.1", "127.0.0.2"):
        inventory: Any = Inventory(([(f"@ssh/{address}", {"ssh_port": 2222})], {}))
        assert inventory.get_host(f"@ssh/{address}").connector_cls is SSHConnector


@pytest.mark.parametrize(("message", "kind"), [
    ("Authentication error (username=root)", DeviceAuthError),
    ("Could not connect ([Errno 111] Connection refused)", DeviceTimeout),
    ("SSH host key error", DeviceProtocolError),
])
def test_pyinfra_errors_map_to_the_transport_contract(message: str, kind: type) -> None:
    assert isinstance(ssh._classify("h:22", RuntimeError(message)), kind)
