"""Links between centres (and from branch hospitals) — R-TOP-02…05, R-TOP-10, R-NET-04."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from medcloud.model.base import Model, Name


class LinkKind(StrEnum):
    DARK_FIBRE = "dark_fibre"
    WDM = "wdm"
    LEASED_LINE = "leased_line"
    IPSEC_VPN = "ipsec_vpn"
    EXPRESS_CONNECT = "express_connect"
    CEN = "cen"


class LinkPurpose(StrEnum):
    IP = "ip"
    SAN = "san"
    MANAGEMENT = "management"


class CipherSuite(StrEnum):
    """Cipher family on an encrypted link (R-NET-04, R-SEC-01)."""

    SM = "sm"  # SM2/SM3/SM4 (GM/T 0022 IPsec, GB/T 38636 TLCP)
    INTERNATIONAL = "international"  # AES-256 / RSA-2048, interop only


class LinkEncryption(Model):
    protocol: str = Field(pattern=r"^(ipsec|macsec|tls1\.3|tls1\.2|none)$")
    suite: CipherSuite = CipherSuite.SM


class Link(Model):
    """One physical circuit or tunnel.  A pair of fibres is two links with two route ids."""

    name: Name
    a: Name = Field(description="endpoint: a centre or branch name")
    b: Name = Field(description="endpoint: a centre or branch name")
    a_az: Name | None = Field(default=None, description="AZ (core node) terminating the link at a")
    b_az: Name | None = Field(default=None, description="AZ (core node) terminating the link at b")
    members: int = Field(default=1, ge=1, description="bundled members (4×10G is 4 members of 10 Gbps)")
    kind: LinkKind
    purpose: LinkPurpose = LinkPurpose.IP
    carrier: str = Field(min_length=1, description="e.g. China Telecom, China Unicom, China Mobile")
    route_id: str = Field(min_length=1, description="physical route or duct id; shared ids share fate")
    bandwidth_gbps: float = Field(gt=0, description="per member")
    rtt_ms: float = Field(ge=0)
    loss_pct: float = Field(default=0, ge=0, le=100)
    fec: bool = False
    retransmission: bool = False
    utilisation_pct: float | None = Field(default=None, ge=0, le=100, description="peak utilisation seen")
    cross_institution: bool = Field(default=False, description="leaves the hospital's own network")
    encryption: LinkEncryption | None = None

    @property
    def endpoints(self) -> frozenset[str]:
        return frozenset((self.a, self.b))

    @property
    def local(self) -> bool:
        """Both ends in one centre (e.g. core node A to core node B)."""
        return self.a == self.b

    @property
    def total_gbps(self) -> float:
        return self.bandwidth_gbps * self.members

    @property
    def ipsec(self) -> bool:
        """Whether the link is an IPsec tunnel (an IPsec VPN, or a circuit encrypted with IPsec)."""
        return self.kind == LinkKind.IPSEC_VPN or (self.encryption is not None and self.encryption.protocol == "ipsec")

    @property
    def suite(self) -> CipherSuite:
        """The link's cipher suite; SM unless the model says international (R-NET-04, R-SEC-01)."""
        return self.encryption.suite if self.encryption is not None else CipherSuite.SM
