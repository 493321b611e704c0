"""Facts the baseline reads from a target, each a command plus a pure parser."""

from __future__ import annotations

from pyinfra.api.facts import FactBase


class HugepageSizeKib(FactBase[int | None]):
    """The kernel's default hugepage size in KiB (``Hugepagesize:`` of ``/proc/meminfo``).

    aarch64 kernels built with 64 KiB pages (as some Kylin releases are) use
    512 MiB hugepages, so the count for a pool's GiB must come from the target.
    ``None`` when the target has no ``/proc`` (a chroot) or no hugepage support.
    """

    def command(self) -> str:
        return "grep -s '^Hugepagesize:' /proc/meminfo || true"

    def process(self, output: list[str]) -> int | None:
        return parse_hugepage_size(output)


def parse_hugepage_size(lines: list[str]) -> int | None:
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "Hugepagesize:" and parts[2] == "kB" and parts[1].isdigit():
            return int(parts[1])
    return None


class CryptoPolicy(FactBase[str | None]):
    """The active crypto-policies policy (``update-crypto-policies --show``), ``None`` if not installed."""

    def requires_command(self) -> str:
        return "update-crypto-policies"

    def command(self) -> str:
        return "update-crypto-policies --show"

    def process(self, output: list[str]) -> str | None:
        return parse_crypto_policy(output)


def parse_crypto_policy(lines: list[str]) -> str | None:
    for line in lines:
        if line.strip():
            return line.strip()
    return None
