"""Inventory/region consistency for switch intents: bad input is one clear line."""

from __future__ import annotations

from typing import Any

import pytest
from medcloud.hardware.inventory import Inventory, Switch

from medcloud.model import Region
from medcloud.provision.switch.intent import IntentError, build_intents
from medcloud.provision.switch.placeholders import UnresolvedSecretError, marker, resolve, unresolved


def _with_switch(inventory: Inventory, name: str, **changes: Any) -> Inventory:
    """``inventory`` with switch ``name`` changed; ``fabric={...}`` changes fields of its fabric section."""

    def changed(switch: Switch) -> Switch:
        fabric = changes.pop("fabric", switch.fabric)
        if isinstance(fabric, dict):
            assert switch.fabric is not None
            fabric = switch.fabric.model_copy(update=fabric)
        return switch.model_copy(update={**changes, "fabric": fabric})

    return inventory.model_copy(update={"switches": tuple(
        changed(s) if s.name == name else s for s in inventory.switches)})


def _switch(inventory: Inventory, name: str) -> Switch:
    return next(s for s in inventory.switches if s.name == name)


def test_r_net_02_missing_security_domain_vlan(dev_region: Region, dev_inventory: Inventory) -> None:
    leaf = _switch(dev_inventory, "gz-leaf-01")
    inventory = _with_switch(dev_inventory, "gz-leaf-01", vlans=tuple(v for v in leaf.vlans if v.name != "imaging"))
    with pytest.raises(IntentError, match=r"^inv\.yaml: switches\[gz-leaf-01\]\.vlans: R-NET-02: security domain "
                                          r"'imaging' of centre gz-prod has no VLAN$"):
        build_intents(dev_region, inventory, "inv.yaml")


def test_mlag_peers_must_name_each_other(dev_region: Region, dev_inventory: Inventory) -> None:
    """R-NET-03: an M-LAG pair is declared on both sides."""
    inventory = _with_switch(dev_inventory, "gz-leaf-02", fabric={"mlag_peer": None})
    with pytest.raises(IntentError, match=r"gz-leaf-02 does not name gz-leaf-01 as its M-LAG peer"):
        build_intents(dev_region, inventory, "inv.yaml")


def test_mlag_peers_share_the_vtep(dev_region: Region, dev_inventory: Inventory) -> None:
    """R-NET-03: M-LAG peers present one VXLAN tunnel endpoint."""
    from ipaddress import IPv4Address

    inventory = _with_switch(dev_inventory, "gz-leaf-02", fabric={"vtep": IPv4Address("10.64.254.102")})
    with pytest.raises(IntentError, match=r"fabric\.vtep: M-LAG peers gz-leaf-01 and gz-leaf-02 must share"):
        build_intents(dev_region, inventory, "inv.yaml")


def test_unsupported_vendor_family(dev_region: Region, dev_inventory: Inventory) -> None:
    inventory = _with_switch(dev_inventory, "gz-spine-01", vendor="ruijie", model="RG-S6510")
    with pytest.raises(IntentError, match=r"switches\[gz-spine-01\]\.model: no switch driver renders ruijie RG-S6510"):
        build_intents(dev_region, inventory, "inv.yaml")


def test_switch_in_unknown_centre(dev_region: Region, dev_inventory: Inventory) -> None:
    leaf = _switch(dev_inventory, "gz-spine-01")
    inventory = _with_switch(dev_inventory, "gz-spine-01",
                             location=leaf.location.model_copy(update={"centre": "nowhere"}))
    with pytest.raises(IntentError, match=r"location\.centre: region dev has no centre 'nowhere'"):
        build_intents(dev_region, inventory, "inv.yaml")


def test_switches_without_fabric_are_not_rendered(dev_region: Region, dev_inventory: Inventory) -> None:
    inventory = _with_switch(dev_inventory, "gz-spine-01", fabric=None)
    names = [i.name for i in build_intents(dev_region, inventory, "inv.yaml")]
    assert "gz-spine-01" not in names
    # Leaves then peer with each other: no spine left in the centre.
    leaf = next(i for i in build_intents(dev_region, inventory, "inv.yaml") if i.name == "gz-leaf-01")
    assert [p.name for p in leaf.bgp_peers] == ["gz-leaf-02"]


def test_placeholders_resolve_only_known_fields() -> None:
    text = f"local-user a password irreversible-cipher {marker('net-admin', 'password')}\n"
    assert unresolved(text) == [("net-admin", "password")]
    values = {("net-admin", "password"): "s3cret"}
    assert resolve(text, lambda c, f: values[(c, f)]) == "local-user a password irreversible-cipher s3cret\n"
    with pytest.raises(UnresolvedSecretError, match=r"^secret net-admin/password: no such credential field"):
        resolve(text, lambda c, f: {}[(c, f)])


def test_inventory_values_cannot_inject_configuration(dev_region: Region, dev_inventory: Inventory) -> None:
    from medcloud.hardware.inventory import Vlan

    leaf = _switch(dev_inventory, "gz-leaf-01")
    vlans = tuple(Vlan(id=v.id, name="core-medical\nundo aaa" if v.id == 110 else v.name) for v in leaf.vlans)
    with pytest.raises(IntentError, match=r"switches\[gz-leaf-01\]\.vlans\[0\]\.name: 'core-medical\\nundo aaa'"):
        build_intents(dev_region, _with_switch(dev_inventory, "gz-leaf-01", vlans=vlans), "inv.yaml")
    cabling = (leaf.cabling[0].model_copy(update={"port": "10GE1/0/1\n shutdown"}), *leaf.cabling[1:])
    with pytest.raises(IntentError, match=r"cabling\[0\]\.port: .* is not a single configuration token"):
        build_intents(dev_region, _with_switch(dev_inventory, "gz-leaf-01", cabling=cabling), "inv.yaml")
