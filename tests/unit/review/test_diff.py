"""Property diffs: Pulumi path syntax, secrets never shown, unknowns named."""

from __future__ import annotations

from medcloud.review.diff import SECRET_SIG, SECRET_SIG_KEY, diff_inputs, lookup, show, top_key
from medcloud.review.risk import forces_replacement, risk_flags


def test_paths_and_kinds() -> None:
    old = {"tags": {"a": "1", "medcloud.io/pool": "x"}, "rules": [1, 2, 3], "size": 10}
    new = {"tags": {"a": "2", "medcloud.io/pool": "y", "b": "3"}, "rules": [1, 2], "zone": "az1"}
    got = [(c.path, c.kind, c.old, c.new) for c in diff_inputs(old, new)]
    assert got == [
        ("rules[2]", "delete", 3, None),
        ("size", "delete", 10, None),
        ("tags.a", "update", "1", "2"),
        ("tags.b", "add", None, "3"),
        ('tags["medcloud.io/pool"]', "update", "x", "y"),
        ("zone", "add", None, "az1"),
    ]


def test_secrets_never_leave_the_diff() -> None:
    envelope = {SECRET_SIG_KEY: SECRET_SIG, "value": "hunter2-old"}
    old = {"adminPassword": "hunter2-old", "psk": envelope, "conn": {"token": "t-old"}, "blinded": "[secret]"}
    new = {"adminPassword": "hunter2-new", "psk": {SECRET_SIG_KEY: SECRET_SIG, "value": "hunter2-new"},
           "conn": {"token": "t-new"}, "blinded": "[secret]", "privateKey": "-----BEGIN"}
    changes = diff_inputs(old, new)
    assert {c.path for c in changes} == {"adminPassword", "psk", "conn.token", "privateKey"}
    assert all(c.secret for c in changes)
    rendered = repr([c.to_json() for c in changes]) + "".join(c.shown(c.new) + c.shown(c.old) for c in changes)
    for plain in ("hunter2", "t-old", "t-new", "BEGIN"):
        assert plain not in rendered


def test_unknowns_show_as_outputs() -> None:
    assert show("04da6b54-80e4-46f7-96ec-b56ff0331ba9") == "output<string>"
    assert show({"id": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}) == '{"id":"output<string>"}'
    assert show("x" * 500).endswith("…") and len(show("x" * 500)) == 120


def test_lookup_and_top_key() -> None:
    value = {"a": {"b": [{"c.d": 1}]}}
    assert lookup(value, 'a.b[0]["c.d"]') == (True, 1)
    assert lookup(value, "a.b[3]") == (False, None)
    assert top_key('tags["x.y"].z') == "tags"
    assert top_key('["odd.key"][0]') == "odd.key"


def test_force_new_table() -> None:
    assert forces_replacement("openstack:networking/subnet:Subnet", {"cidr"})
    assert not forces_replacement("openstack:networking/subnet:Subnet", {"name"})
    assert forces_replacement("openstack:networking/secGroupRule:SecGroupRule", {"portRangeMin"})
    assert not forces_replacement("openstack:networking/secGroupRule:SecGroupRule", {"description"})
    assert not forces_replacement("random:index/randomId:RandomId", {"byteLength"})


def test_risk_flags_by_kind_and_op() -> None:
    assert risk_flags("openstack:blockstorage/volume:Volume", "replace", {}) == ["stateful-replace"]
    assert risk_flags("openstack:blockstorage/volume:Volume", "update", {}) == []
    assert risk_flags("alicloud:oss/bucket:Bucket", "delete", {}, protect=True) == ["stateful-delete", "protected"]
    assert risk_flags("medcloud:drlink:DrLink", "update", {"link": "x", "cross_institution": True}) == ["dr-link"]
    assert risk_flags("medcloud:drlink:DrLink", "create", {"link": "x", "cross_institution": True}) == []
    assert risk_flags("alicloud:ecs/securityGroupRule:SecurityGroupRule", "create", {}) == ["security-rule"]
