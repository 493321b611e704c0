"""Pure rules the resource policies apply to property values.

Rules that already exist as model-check helpers (``medcloud.checks.*``) are
imported from there, never restated; the ones below have no model-check
counterpart because they judge cloud resource properties, not the region
model.  Figures come from :mod:`medcloud.model.standards`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from medcloud.checks.continuity import object_redundancy_ok, object_storage_gaps, snapshot_gaps
from medcloud.model import standards as std

__all__ = [
    "AddressBlock", "algorithm_family", "any_to_any", "cidr_overlaps", "object_redundancy_ok", "object_storage_gaps",
    "plain", "snapshot_gaps", "tls_version", "tls_versions_ok",
]


def plain(value: Any) -> Any:
    """Deep-copy pulumi_policy's proxies into dicts and lists (raises on unknown values)."""
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


_TLS = re.compile(r"^(?:tls|tlsv)?\s*v?(\d)(?:[._](\d))?$", re.IGNORECASE)


def tls_version(label: str) -> tuple[int, int] | None:
    """``TLSv1.2`` / ``tls1.3`` / ``1.3`` → (1, 3); SSL versions sort below every TLS version."""
    text = label.strip().replace(" ", "")
    if text.lower().startswith(("ssl", "sslv")):
        return (0, 0)
    match = _TLS.match(text.lower().removeprefix("tlsv").removeprefix("tls"))
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def tls_versions_ok(versions: Iterable[str]) -> list[str]:
    """R-NET-04: the versions below TLS 1.3 (or unreadable) among ``versions``; empty = compliant."""
    bad = []
    for label in versions:
        parsed = tls_version(str(label))
        if parsed is None or parsed < std.TLS_MIN_VERSION:
            bad.append(str(label))
    return bad


_FAMILIES = (
    (re.compile(r"sm4", re.I), "sm4"),
    (re.compile(r"sm3", re.I), "sm3"),
    (re.compile(r"sm2", re.I), "sm2"),
    (re.compile(r"aes[-_]?256", re.I), "aes256"),
    (re.compile(r"rsa[-_]?2048", re.I), "rsa2048"),
)


def algorithm_family(name: str) -> str:
    """Map a cloud's algorithm label (``Aliyun_SM4``, ``EC_SM2``, ``aes-256``…) to sm2/sm3/sm4/aes256/rsa2048.

    Anything else (AES-128, 3DES, SHA-1, RSA-3072…) is returned lower-cased as is,
    which :func:`algorithm_allowed` rejects.
    """
    for pattern, family in _FAMILIES:
        if pattern.search(name):
            return family
    return name.strip().lower()


def algorithm_allowed(name: str, *, interop: bool) -> bool:
    """R-SEC-01: SM2/SM3/SM4 always; AES-256 / RSA-2048 only where interop needs them."""
    family = algorithm_family(name)
    return family in std.SM_ALGORITHMS or (interop and family in std.INTEROP_ALGORITHMS)


_ANY_PROTOCOLS = {"", "all", "any", "-1", "none"}
_ANY_PREFIXES = {"0.0.0.0/0", "::/0"}


def any_to_any(protocol: str | None, port_min: int | None, port_max: int | None,
               prefix: str | None, remote_group: str | None) -> bool:
    """R-NET-02: a rule admitting every protocol and port from every address.

    A rule that names a remote security group is micro-segmentation, never
    any-to-any; a missing prefix without a group means "anywhere" (OpenStack).
    """
    if remote_group:
        return False
    anywhere = prefix is None or prefix.strip() in _ANY_PREFIXES
    every_protocol = protocol is None or protocol.strip().lower() in _ANY_PROTOCOLS
    every_port = (port_min in (None, -1, 0, 1) and port_max in (None, -1, 65535))
    return anywhere and every_protocol and every_port


def alicloud_port_range(text: str | None) -> tuple[int | None, int | None]:
    """``"22/22"`` → (22, 22); ``"-1/-1"`` → (-1, -1)."""
    if not text:
        return None, None
    low, _, high = text.partition("/")
    try:
        return int(low), int(high or low)
    except ValueError:
        return None, None


@dataclass(frozen=True)
class AddressBlock:
    """A VPC or subnet CIDR owned by one resource (R-NET-01)."""

    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    urn: str
    #: A container (VPC, address space) may hold leaves (subnets, VSwitches); nothing else may overlap.
    container: bool
    #: The resource's parent: a leaf belongs to a container with the same parent, or parented to it.
    owner: str | None = None


def parse_block(cidr: str, urn: str, *, container: bool, owner: str | None = None) -> AddressBlock | None:
    try:
        return AddressBlock(ipaddress.ip_network(cidr.strip(), strict=False), urn, container, owner)
    except ValueError:
        return None


def _nests(outer: AddressBlock, inner: AddressBlock) -> bool:
    belongs = inner.owner is not None and inner.owner in (outer.owner, outer.urn)
    return outer.container and not inner.container and belongs \
        and inner.network.subnet_of(outer.network)  # type: ignore[arg-type]


def cidr_overlaps(blocks: Sequence[AddressBlock]) -> Iterator[tuple[AddressBlock, AddressBlock]]:
    """R-NET-01: pairs of overlapping blocks, in O(n log n + overlaps).

    Sorted by start address (larger first on ties), a block can only overlap
    the still-open blocks whose end lies at or past its start.  A leaf inside its
    own container (same parent component, or parented to it) is how a VPC holds
    its subnets, so that nesting is allowed; any other overlap is not.
    """
    ordered = sorted(blocks, key=lambda b: (b.network.version, int(b.network.network_address),
                                            -b.network.num_addresses))
    open_blocks: list[AddressBlock] = []
    for block in ordered:
        start = int(block.network.network_address)
        open_blocks = [o for o in open_blocks if o.network.version == block.network.version
                       and int(o.network.broadcast_address) >= start]
        for other in open_blocks:
            if other.urn != block.urn and not _nests(other, block) and not _nests(block, other):
                yield other, block
        open_blocks.append(block)


def worm_days_ok(days: float) -> bool:
    """R-DC-02: WORM retention of at least 30 years."""
    return days >= std.ARCHIVE_RETENTION_MIN_DAYS


def alicloud_snapshot_times(points: Iterable[Any]) -> list[str]:
    """AutoSnapshotPolicy ``timePoints`` (hours "0"…"23") as the HH:MM clock strings R-BC-03 uses."""
    out = []
    for point in points:
        try:
            out.append(f"{int(str(point)):02d}:00")
        except ValueError:
            out.append(str(point))
    return out
