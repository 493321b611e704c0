"""Hardware inventories: what was delivered, where it stands, how to reach it.

An inventory (``inventories/*.yaml``) lists servers and switches, each with its
location (centre/room/rack), management endpoints, a reference to a
credential and the name of the spec profile it must meet.  Switches also carry
the cabling and VLANs the design expects, which the provisioning engineer
renders into switch configs and verification compares with LLDP and Q-BRIDGE.

Credentials hold only sealed values (``sm4gcm:v1:…``, see
:mod:`medcloud.secrets`); they are opened at the moment of connecting, never
stored or printed in clear.

Example::

    stack: dev                  # optional: check servers against the region's nodes too
    credentials:
      bmc-admin: {kind: ipmi, username: admin, password: "sm4gcm:v1:…"}
      ssh-accept: {kind: ssh, username: accept, password: "sm4gcm:v1:…"}
      snmp-ro: {kind: snmpv3, username: medcloud, auth_protocol: SHA256,
                auth_key: "sm4gcm:v1:…", priv_protocol: AES, priv_key: "sm4gcm:v1:…"}
    servers:
      - name: kp-node-01
        profile: kunpeng-920-compute
        location: {centre: prod-hz, room: r101, rack: a01, unit: 12}
        serial: 2102313SYH10N5000123      # from the delivery note (optional, R-HW-08)
        asset_tag: GZ-PROD-000123          # optional
        ssh: {address: 10.0.0.11, credential: ssh-accept}
        bmc: {address: 10.0.1.11, credential: bmc-admin}
    switches:
      - name: leaf-01
        profile: huawei-leaf
        vendor: huawei
        model: CE6881-48S6CQ
        location: {centre: prod-hz, room: r101, rack: a01, unit: 42}
        management: {address: 10.0.2.1, credential: snmp-ro}
        cabling:
          - {port: 10GE1/0/1, remote_device: kp-node-01, remote_port: enp125s0f0}
        vlans: [{id: 110, name: his}]
"""

from __future__ import annotations

import datetime as dt
import re
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from medcloud.errors import SourceError
from medcloud.model import standards
from medcloud.model.base import Model, Name
from medcloud.secrets import SealedSecret
from medcloud.yamlio import Document, did_you_mean, load_document, problem, raise_problems, validate

Port = Annotated[int, Field(ge=1, le=65535)]
def _host_name(value: str) -> str:
    """RFC 1123 host name: labels of 1–63 letters, digits and inner hyphens; the last not all digits.

    So ``999.1.1.1`` (no IPv4 address, and no host name either) is refused, not looked up.
    """
    labels = value.removesuffix(".").split(".")
    if len(value) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"{value!r} is neither an IP address nor a host name")
    if labels[-1].isdigit():
        raise ValueError(f"{value!r} is not an IP address (and a host name cannot end in a number)")
    return value


_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
Address = IPv4Address | IPv6Address | Annotated[str, AfterValidator(_host_name), Field(description="host name")]


class SSHCredential(Model):
    kind: Literal["ssh"]
    username: str = Field(min_length=1)
    password: SealedSecret | None = None
    private_key: SealedSecret | None = None

    @model_validator(mode="after")
    def _one_secret(self) -> SSHCredential:
        if self.password is None and self.private_key is None:
            raise ValueError("an ssh credential needs a sealed password or private_key")
        return self


#: IPMI privilege levels a BMC account may hold (IPMI 2.0 table 6-6), lowest first.
Privilege = Literal["user", "operator", "administrator"]


class IPMICredential(Model):
    kind: Literal["ipmi"]
    #: IPMI 2.0 user names are at most 16 bytes.
    username: str = Field(min_length=1, max_length=16, pattern=r"^[\x21-\x7e]+$")
    password: SealedSecret
    #: The account's privilege on the BMCs that use this credential (``medcloud bmc``).
    privilege: Privilege = "administrator"
    #: When ``medcloud bmc apply`` last set this password (R-SEC-04 rotation age); unknown: never.
    rotated: dt.date | None = None
    #: Set only while a password change is under way: the password the BMC had before, so a
    #: run that stopped between the BMC's change and the inventory's still opens the BMC.
    previous_password: SealedSecret | None = None


class SNMPv3Credential(Model):
    """USM authPriv only: R-HW-06 switches are managed without community strings."""

    kind: Literal["snmpv3"]
    username: str = Field(min_length=1)
    auth_protocol: Literal["SHA", "SHA256", "SHA512", "MD5"] = "SHA256"
    auth_key: SealedSecret
    priv_protocol: Literal["AES", "AES192", "AES256", "DES"] = "AES"
    priv_key: SealedSecret


Credential = Annotated[SSHCredential | IPMICredential | SNMPv3Credential, Field(discriminator="kind")]


class Location(Model):
    centre: Name
    room: str = Field(min_length=1)
    rack: str = Field(min_length=1)
    unit: int | None = Field(default=None, ge=1, le=60)


class Endpoint(Model):
    address: Address
    port: Port | None = None
    credential: str


class BMCNetwork(Model):
    """The BMC's own LAN settings (IPMI LAN configuration parameters 3, 4, 6, 12, 20)."""

    source: Literal["static", "dhcp"] = "static"
    address: IPv4Address | None = None
    netmask: IPv4Address | None = None
    gateway: IPv4Address | None = None
    #: 802.1Q VLAN of the management port; ``None``: untagged.
    vlan: int | None = Field(default=None, ge=1, le=4094)

    @model_validator(mode="after")
    def _static_needs_address(self) -> BMCNetwork:
        if self.source == "static" and (self.address is None or self.netmask is None):
            raise ValueError("a static BMC network needs address and netmask")
        if self.source == "dhcp" and (self.address or self.netmask or self.gateway):
            raise ValueError("a DHCP BMC network takes no address, netmask or gateway")
        return self


class BootSetting(Model):
    """The boot device the server's next start uses (IPMI boot flags, parameter 5)."""

    device: Literal["pxe", "disk"]
    #: False: the next boot only (the BMC clears it after one start).
    persistent: bool = False


class BMCEndpoint(Endpoint):
    """A server's BMC: how to reach it, and (for ``medcloud bmc``) the state it must have."""

    #: Further ``ipmi`` credentials whose accounts must exist on this BMC (the endpoint's
    #: ``credential`` is always one: the management account).  Every other account is removed.
    accounts: tuple[str, ...] = ()
    network: BMCNetwork | None = None
    boot: BootSetting | None = None
    #: Serial-over-LAN enabled (True) or disabled (False); ``None``: left as it is.
    sol: bool | None = None


class SSHEndpoint(Endpoint):
    #: The host's public key (``ssh-ed25519 AAAA…``), pinned at delivery: the session is
    #: refused when the host presents another.  Unpinned hosts are trusted on first use,
    #: for that run only.
    host_key: str | None = Field(
        default=None, pattern=r"^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}$",
    )

    def known_hosts_line(self, port: int) -> str | None:
        """The OpenSSH known_hosts line for this endpoint, or None when the key is not pinned."""
        if self.host_key is None:
            return None
        where = str(self.address) if port == 22 else f"[{self.address}]:{port}"
        return f"{where} {self.host_key}"


class SNMPEndpoint(Endpoint):
    #: SNMPv3 context name (snmpsim picks a recording by it; most switches use "").
    context: str = ""


class Delivered(Model):
    """What the delivery note says of one unit: its serial number and asset tag, checked
    against what the device reports (R-HW-08: the delivered unit is the catalogued one)."""

    serial: str | None = Field(default=None, min_length=1, max_length=64)
    asset_tag: str | None = Field(default=None, min_length=1, max_length=64)


class Server(Delivered):
    name: Name
    profile: str
    location: Location
    ssh: SSHEndpoint
    bmc: BMCEndpoint
    #: Role hints a profile may use (storage nodes get R-HW-05 checks).
    roles: tuple[Literal["compute", "storage", "management"], ...] = ("compute",)


class Cable(Model):
    """One expected link: our ``port`` goes to ``remote_port`` on ``remote_device``."""

    port: str = Field(min_length=1)
    remote_device: str = Field(min_length=1)
    remote_port: str = Field(min_length=1)


class Vlan(Model):
    id: int = Field(ge=1, le=4094)
    name: str = ""


class SwitchFabric(Model):
    """The switch's place in the data-centre fabric (R-NET-03), read by provisioning.

    Vendor-neutral: templates per vendor family turn it into configuration.
    """

    role: Literal["leaf", "spine", "border"]
    #: Loopback: router id and BGP EVPN session source.
    loopback: IPv4Address
    asn: int = Field(ge=1, le=4294967295)
    #: VXLAN tunnel source; an M-LAG pair shares one.  Default: the loopback.
    vtep: IPv4Address | None = None
    #: The other switch of the M-LAG pair; cables to it form the peer-link.
    mlag_peer: Name | None = None
    mlag_domain: int = Field(default=1, ge=1, le=1023)
    syslog_hosts: tuple[IPv4Address, ...] = ()
    #: An ``ssh`` credential: the local administrator configured for AAA.
    admin_credential: str | None = None


def _domestic_vendor(value: str) -> str:
    if value not in standards.DOMESTIC_SWITCH_VENDORS:
        raise ValueError(f"R-HW-06: not a domestic switch vendor: {value!r} "
                         f"(known: {', '.join(standards.DOMESTIC_SWITCH_VENDORS)})")
    return value


#: A key of :data:`medcloud.model.standards.DOMESTIC_SWITCH_VENDORS` (huawei, h3c, maipu, …).
SwitchVendor = Annotated[str, AfterValidator(_domestic_vendor)]


class Switch(Delivered):
    name: Name
    profile: str
    vendor: SwitchVendor
    model: str = Field(min_length=1)
    location: Location
    management: SNMPEndpoint
    cabling: tuple[Cable, ...] = ()
    vlans: tuple[Vlan, ...] = ()
    fabric: SwitchFabric | None = None

    @model_validator(mode="after")
    def _unique_ports(self) -> Switch:
        seen: set[str] = set()
        for cable in self.cabling:
            if cable.port in seen:
                raise ValueError(f"port {cable.port} is cabled twice")
            seen.add(cable.port)
        ids = [v.id for v in self.vlans]
        if len(ids) != len(set(ids)):
            raise ValueError("a VLAN id is listed twice")
        return self


DEFAULT_PORTS = {"ssh": 22, "ipmi": 623, "snmpv3": 161}
_KIND_OF = {"ssh": "ssh", "bmc": "ipmi", "management": "snmpv3"}


class Inventory(Model):
    #: The stack (or region file) the delivery is for: each server is then also checked
    #: against the region node of the same name (hardware/verify/design.py).
    stack: str | None = Field(default=None, min_length=1)
    credentials: dict[str, Credential]
    servers: tuple[Server, ...] = ()
    switches: tuple[Switch, ...] = ()

    def devices(self) -> tuple[Server | Switch, ...]:
        return (*self.servers, *self.switches)

    def port(self, endpoint: Endpoint, role: str) -> int:
        return endpoint.port or DEFAULT_PORTS[_KIND_OF[role]]


def load_inventory(path: Path, known_profiles: frozenset[str] | None = None) -> Inventory:
    """Load and validate ``path``; errors name ``file:line:col`` and the field.

    With ``known_profiles`` every device's ``profile`` must name one of them,
    and every cable's remote device must be in the inventory.
    """
    document = load_document(path)
    inventory = validate(Inventory, document)
    _check_cross_references(inventory, document, known_profiles)
    return inventory


def _check_cross_references(
    inventory: Inventory, document: Document, known_profiles: frozenset[str] | None,
) -> None:
    """Every dangling or duplicate name, all at once (:func:`medcloud.yamlio.raise_problems`)."""
    found: list[SourceError] = []

    def fail(loc: tuple[str | int, ...], reason: str) -> None:
        found.append(problem(document, loc, reason))

    names: set[str] = set()
    sections: tuple[tuple[str, tuple[Server | Switch, ...]], ...] = (
        ("servers", inventory.servers), ("switches", inventory.switches))
    for section, devices in sections:
        for i, device in enumerate(devices):
            if device.name in names:
                fail((section, i, "name"), f"device name {device.name!r} is used twice")
            names.add(device.name)
            endpoints: tuple[tuple[str, Endpoint], ...] = (
                (("ssh", device.ssh), ("bmc", device.bmc)) if isinstance(device, Server)
                else (("management", device.management),)
            )
            for role, endpoint in endpoints:
                cred = inventory.credentials.get(endpoint.credential)
                if cred is None:
                    fail((section, i, role, "credential"), f"no credential named {endpoint.credential!r}"
                         + did_you_mean(endpoint.credential, inventory.credentials))
                elif cred.kind != _KIND_OF[role]:
                    fail((section, i, role, "credential"),
                         f"credential {endpoint.credential!r} is {cred.kind}, {role} needs {_KIND_OF[role]}")
            if isinstance(device, Server):
                for j, account in enumerate(device.bmc.accounts):
                    cred = inventory.credentials.get(account)
                    if cred is None or cred.kind != "ipmi":
                        fail((section, i, "bmc", "accounts", j),
                             f"{account!r} is not an ipmi credential of this inventory")
            if known_profiles is not None and device.profile not in known_profiles:
                fail((section, i, "profile"),
                     f"unknown profile {device.profile!r} (known: {', '.join(sorted(known_profiles))})")
    for i, switch in enumerate(inventory.switches):
        for j, cable in enumerate(switch.cabling):
            if cable.remote_device not in names:
                fail(("switches", i, "cabling", j, "remote_device"),
                     f"no device named {cable.remote_device!r} in this inventory"
                     + did_you_mean(cable.remote_device, names))
    raise_problems(found)
