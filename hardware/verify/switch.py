"""Switch checks (R-HW-06; VLANs for R-NET-02) over the SNMP facts, plus the cabling check."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from medcloud.hardware.facts.switch import Interface, LldpNeighbour, SwitchFacts, canonical_port
from medcloud.hardware.inventory import Cable, Switch
from medcloud.hardware.specs.switch import PortGroup, SwitchProfile
from medcloud.hardware.verify.checks import Check, FactFailure, Skip, declared
from medcloud.hardware.verify.expect import AllIn, AtLeast, Equals, Matches, OneOf, VersionAtLeast
from medcloud.hardware.verify.results import CheckResult, FollowUp, PortCabling, Status

from medcloud.model import standards


@dataclass(frozen=True)
class SwitchContext:
    switch: Switch
    profile: SwitchProfile


def _os_version(facts: SwitchFacts, ctx: SwitchContext) -> str:
    # sysDescr first; some models (Huawei S12700) put only the model there and the
    # version in the chassis entity's entPhysicalSoftwareRev.
    sources = [facts.system.descr] + [e.software for e in facts.entities if e.cls == "chassis"]
    for source in sources:
        match = re.search(ctx.profile.version_pattern, source)
        if match is not None:
            # Several groups (Comware 5: "Version 5.20, Release 1513P62") are read left to right.
            groups = [g for g in match.groups() if g]
            return ", ".join(groups) if groups else match.group(0)
    raise ValueError(f"no OS version in sysDescr {facts.system.descr[:80]!r} nor in the chassis entity")


def _model_seen(facts: SwitchFacts, ctx: SwitchContext) -> bool:
    wanted = ctx.switch.model.lower()
    haystack = [facts.system.descr] + [e.model for e in facts.entities] + [e.descr for e in facts.entities]
    return any(wanted in h.lower() for h in haystack if h)


def _ports_at(group: PortGroup) -> Check:
    """Ethernet ports whose speed (reported, or implied by the name of a port that is down) reaches
    the group's; up or down alike.  Ports whose speed nothing tells cannot make a failure: when they
    could make up the shortfall the check errors with "cannot tell" instead."""
    def actual(facts: SwitchFacts, ctx: SwitchContext) -> int:
        if not facts.interfaces:
            raise ValueError("the agent returned no IF-MIB interface table")
        ports = [i for i in facts.interfaces if i.ethernet]
        fast = sum(1 for i in ports if (i.capacity_mbps or 0) >= group.speed_gbps * 1000)
        unknown = [i.name for i in ports if i.capacity_mbps is None]
        if fast < group.count <= fast + len(unknown):
            raise ValueError(f"cannot tell: {len(unknown)} ports report no speed and their names imply none "
                             f"({', '.join(unknown[:3])}{', …' if len(unknown) > 3 else ''}); count them by hand")
        return fast
    return Check(f"switch.ports.{group.speed_gbps:g}g", "R-HW-06", f"ports at >= {group.speed_gbps:g} Gbps",
                 "switch", actual, lambda c: AtLeast(group.count, "ports"))


def _vlans(facts: SwitchFacts, ctx: SwitchContext) -> object:
    if not ctx.switch.vlans:
        return Skip("the inventory expects no VLANs on this switch")
    present = {v.id for v in facts.vlans}
    return [v.id for v in ctx.switch.vlans if v.id in present] + [
        f"missing {v.id}" for v in ctx.switch.vlans if v.id not in present]


def _entities_of(cls: str) -> Callable[[SwitchFacts, SwitchContext], object]:
    def actual(facts: SwitchFacts, ctx: SwitchContext) -> object:
        by_hand = FollowUp("site engineer", f"count the healthy {cls} units on the switch chassis")
        if not facts.entities:
            return Skip("cannot tell: the agent exposes no ENTITY-MIB inventory", by_hand)
        count = sum(1 for e in facts.entities if e.cls == cls)
        if count == 0:
            # Many agents list only the chassis and its ports: absence of rows is not absence of units.
            return Skip(f"cannot tell: ENTITY-MIB lists no {cls} entities", by_hand)
        return count
    return actual


BASE_CHECKS: tuple[Check, ...] = (
    Check("switch.vendor", "R-HW-06", "domestic switch vendor (sysObjectID enterprise)", "switch",
          lambda f, c: f.system.enterprise,
          lambda c: OneOf([e for e in c.profile.enterprises if e in standards.DOMESTIC_SWITCH_ENTERPRISES]),
          show=lambda v: f"{v} ({standards.DOMESTIC_SWITCH_ENTERPRISES.get(v, 'not domestic')})"),
    Check("switch.model", "R-HW-06", "switch model family", "switch",
          lambda f, c: f.system.descr, lambda c: Matches(c.profile.model_pattern),
          show=lambda v: v.splitlines()[0][:120] if v else ""),
    Check("switch.model_delivered", "R-HW-06", "delivered model matches the inventory", "switch",
          _model_seen, lambda c: Equals(True),
          explain=lambda a: "the inventory's model appears neither in sysDescr nor in ENTITY-MIB"),
    Check("switch.os_version", "R-HW-06", "switch OS version", "switch",
          _os_version, lambda c: VersionAtLeast(c.profile.min_os_version)),
    Check("switch.lldp", "R-HW-06", "LLDP-MIB answered", "switch",
          lambda f, c: f.lldp_walked, lambda c: Equals(True),
          explain=lambda a: "the agent returned nothing under LLDP-MIB: LLDP is off or not exposed"),
    Check("switch.psus", "R-HW-03", "redundant power supplies (ENTITY-MIB)", "switch",
          _entities_of("powerSupply"),
          lambda c: AtLeast(c.profile.min_psus, "PSUs") if c.profile.min_psus
          else Skip("the profile requires no PSU redundancy on this switch")),
    Check("switch.fans", "R-HW-03", "redundant fans (ENTITY-MIB)", "switch",
          _entities_of("fan"),
          lambda c: AtLeast(c.profile.min_fans, "fans") if c.profile.min_fans
          else Skip("the profile requires no fan redundancy on this switch")),
    Check("switch.vlans", "R-NET-02", "expected VLANs configured (Q-BRIDGE-MIB)", "switch",
          _vlans, lambda c: AllIn([v.id for v in c.switch.vlans]),
          show=lambda v: ", ".join(str(x) for x in v)),
)


def checks_for(profile: SwitchProfile) -> tuple[Check, ...]:
    return BASE_CHECKS + tuple(_ports_at(g) for g in profile.ports)


def _norm(name: str) -> str:
    return canonical_port(name)


def _local_names(neighbour: LldpNeighbour, interfaces: tuple[Interface, ...]) -> set[str]:
    names = {_norm(neighbour.local_port)}
    # Some agents number lldpLocPortNum by ifIndex; then ifName/ifDescr name the port too.
    for interface in interfaces:
        if interface.index == neighbour.local_port_num:
            names |= {_norm(interface.name), _norm(interface.descr)}
    return names - {""}


def cabling(facts: SwitchFacts | FactFailure, switch: Switch,
            devices: frozenset[str] = frozenset()) -> tuple[list[CheckResult], list[PortCabling]]:
    """One R-HW-06 result per expected cable, plus one for neighbours on ports the plan does not
    list; and the cabling view those results are drawn from (one row per port, for the report).

    A mis-cabled port says where its expected neighbour was actually seen; ``devices`` (the
    inventory's device names) tells an unplanned neighbour that is one of ours (a cable in the
    wrong port: fail) from one the plan does not know (to be confirmed by a person).
    """
    if not switch.cabling:
        return [CheckResult("switch.cabling", "R-HW-06", "cabling as designed (LLDP)", Status.SKIPPED,
                            reason="the inventory lists no expected cabling for this switch")], []
    if isinstance(facts, FactFailure) or not facts.lldp_walked:
        return [_unread(facts, cable) for cable in switch.cabling], []
    planned = [_planned(facts, cable) for cable in switch.cabling]
    unplanned, wrong = _unplanned(facts, switch, devices)
    results = [_cable(cable, port) for cable, port in zip(switch.cabling, planned, strict=True)]
    return [*results, _unplanned_result(switch, unplanned, wrong)], [*planned, *unplanned]


def _host(name: str) -> str:
    # Compare host names without domain: LLDP often carries the FQDN.
    return name.strip().lower().split(".")[0]


def _neighbour(n: LldpNeighbour) -> str:
    return f"{n.remote_system or n.remote_chassis} {n.remote_port}".strip()


def _is(neighbour: LldpNeighbour, device: str, port: str) -> bool:
    return _host(neighbour.remote_system) == device.lower() and _norm(port) in {
        _norm(neighbour.remote_port), _norm(neighbour.remote_port_descr)}


def _cable_id(cable: Cable) -> tuple[str, str, str]:
    return (f"switch.cabling[{cable.port}]", f"{cable.port} → {cable.remote_device} {cable.remote_port}",
            f"{cable.remote_device} {cable.remote_port}")


def _unread(facts: SwitchFacts | FactFailure, cable: Cable) -> CheckResult:
    check_id, title, expected = _cable_id(cable)
    if isinstance(facts, FactFailure):
        return CheckResult(check_id, "R-HW-06", title, Status.ERROR, expected, reason=facts.reason, cause=facts.cause)
    return CheckResult(check_id, "R-HW-06", title, Status.ERROR, expected,
                       reason="no LLDP data from the switch (see switch.lldp)", cause="switch.lldp")


def _planned(facts: SwitchFacts, cable: Cable) -> PortCabling:
    """The plan's port: what LLDP sees there, and where the expected neighbour is if not there."""
    port = _norm(cable.port)
    on_port = [n for n in facts.lldp if port in _local_names(n, facts.interfaces)]
    expected = _cable_id(cable)[2]
    matching = [n for n in on_port if _is(n, cable.remote_device, cable.remote_port)]
    if matching:
        return PortCabling(cable.port, Status.PASS, expected, tuple(_neighbour(n) for n in matching))
    elsewhere = sorted({n.local_port for n in facts.lldp if _is(n, cable.remote_device, cable.remote_port)})
    return PortCabling(cable.port, Status.FAIL, expected, tuple(_neighbour(n) for n in on_port), tuple(elsewhere))


def _cable(cable: Cable, port: PortCabling) -> CheckResult:
    check_id, title, expected = _cable_id(cable)
    seen = "; ".join(port.seen)
    if port.status is Status.PASS:
        return CheckResult(check_id, "R-HW-06", title, Status.PASS, expected, seen)
    if port.expected_seen_on:
        where = f"{expected} is seen on {', '.join(port.expected_seen_on)} instead"
        reason = f"{cable.port} sees {seen}; {where}" if seen else f"nothing is seen on {cable.port}; {where}"
    elif seen:
        reason = f"{cable.port} is cabled to {seen}, not to {expected}, which this switch sees on no port"
    else:
        reason = (f"nothing is seen on {cable.port}, and {expected} on no port of this switch: "
                  "cable missing, or the peer does not run LLDP")
    return CheckResult(check_id, "R-HW-06", title, Status.FAIL, expected, seen or "no LLDP neighbour", reason)


def _unplanned(facts: SwitchFacts, switch: Switch,
               devices: frozenset[str]) -> tuple[list[PortCabling], list[str]]:
    """LLDP neighbours on ports the cabling plan does not list, one row per port (a device of this
    inventory there fails: a cable in the wrong port; others await a person), and those of ours."""
    planned = {_norm(c.port) for c in switch.cabling}
    ours = {d.lower() for d in devices}
    by_port: dict[str, list[LldpNeighbour]] = {}
    for n in facts.lldp:
        # An expected neighbour on the wrong port is already reported on its cable.
        if not (_local_names(n, facts.interfaces) & planned) and not any(
                _is(n, c.remote_device, c.remote_port) for c in switch.cabling):
            by_port.setdefault(n.local_port, []).append(n)
    rows = [PortCabling(port, Status.FAIL if any(_host(n.remote_system) in ours for n in found) else Status.SKIPPED,
                        seen=tuple(_neighbour(n) for n in found))
            for port, found in by_port.items()]
    wrong = [f"{port} → {_neighbour(n)}" for port, found in by_port.items() for n in found
             if _host(n.remote_system) in ours]
    return rows, wrong


def _unplanned_result(switch: Switch, unplanned: list[PortCabling], wrong: list[str]) -> CheckResult:
    title = "no neighbours on ports the cabling plan does not list"
    if not unplanned:
        return CheckResult("switch.cabling.unplanned", "R-HW-06", title, Status.PASS, "none", "none")
    listed = "; ".join(f"{p.port} → {seen}" for p in unplanned for seen in p.seen)
    if wrong:
        return CheckResult("switch.cabling.unplanned", "R-HW-06", title, Status.FAIL, "none", listed,
                           reason="devices of this inventory on ports the plan does not list: " + "; ".join(wrong))
    count = sum(len(p.seen) for p in unplanned)
    return CheckResult("switch.cabling.unplanned", "R-HW-06", title, Status.SKIPPED, "none", listed,
                       reason=f"{count} neighbour(s) the plan does not know",
                       follow_up=FollowUp("network engineer",
                                          f"confirm or remove the unplanned links on {switch.name}: {listed}"))


def declared_results() -> list[CheckResult]:
    return [declared("switch.sdn", "R-HW-06", "SDN/OpenFlow compatible",
                     "not visible over SNMP: check the controller's device list or the vendor declaration",
                     FollowUp("network engineer", "confirm the switch appears in the SDN controller's device list "
                              "(or attach the vendor's OpenFlow declaration)"))]
