"""``medcloud preview``: the real program under the SDK's mocks, byte-identical output,
``pulumi preview --json`` shape, secrets hidden, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from medcloud.cli import main
from medcloud.preview import conformance, preview, render
from medcloud.preview.engine import PLACEHOLDER_SECRET, UNKNOWN

ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def dev_json() -> dict[str, Any]:
    text, _ = render(preview("dev", ROOT), "json")
    document: dict[str, Any] = json.loads(text)
    return document


def test_output_is_byte_identical_across_runs() -> None:
    first = preview("ref002", ROOT)
    second = preview("ref002", ROOT)
    assert render(first, "json") == render(second, "json")
    assert render(first, "tree") == render(second, "tree")


def test_output_does_not_depend_on_the_operators_cloud_environment(
    monkeypatch: pytest.MonkeyPatch, dev_json: dict[str, Any],
) -> None:
    # Providers read defaults (region, endpoint type, profile) from these; the preview must not.
    monkeypatch.setenv("OS_REGION_NAME", "SomewhereElse")
    monkeypatch.setenv("OS_INSECURE", "true")
    monkeypatch.setenv("ALICLOUD_PROFILE", "operator-laptop")
    text, _ = render(preview("dev", ROOT), "json")
    assert json.loads(text) == dev_json
    import os

    assert os.environ["OS_INSECURE"] == "true", "the environment is restored afterwards"


def test_json_has_the_shape_of_pulumi_preview_json(dev_json: dict[str, Any]) -> None:
    assert set(dev_json) == {"config", "steps", "diagnostics", "changeSummary", "policyViolations"}
    assert dev_json["changeSummary"] == {"create": len(dev_json["steps"])}
    assert isinstance(dev_json["policyViolations"], list)
    for step in dev_json["steps"]:
        assert step["op"] == "create"
        state = step["newState"]
        assert state["urn"] == step["urn"]
        assert {"type", "inputs", "custom"} <= set(state)
        if state["type"] != "pulumi:pulumi:Stack":
            assert state["parent"].startswith("urn:pulumi:dev::medcloud::")
    types = {s["newState"]["type"] for s in dev_json["steps"]}
    assert "openstack:networking/subnet:Subnet" in types and "alicloud:vpc/switch:Switch" in types


def test_the_dev_stack_previews_with_only_its_honest_mandatory_violations(dev_json: dict[str, Any]) -> None:
    # The policy pack runs on the very resources the components build (R-NET-02, R-DC-01…). What fails is
    # what the resources do not implement: 1000 Mbps gateways for 10 Gbps links (R-TOP-05), no replication of
    # the class-A/B volumes (R-BC-01), no lifecycle tiering on the DR bucket (R-ST-04).
    mandatory = {v["policy"] for v in dev_json["policyViolations"] if v.get("enforcement") == "mandatory"}
    assert mandatory == {"r-top-05-deployed", "r-bc-01-deployed", "r-st-04-deployed"}
    declared = [v for v in dev_json["policyViolations"] if v["policy"].endswith("-declared")]
    assert declared and all(v["enforcement"] == "advisory" for v in declared)


def test_steps_come_parents_dependencies_and_providers_first(dev_json: dict[str, Any]) -> None:
    seen: set[str] = set()
    for step in dev_json["steps"]:
        state = step["newState"]
        for needed in [state.get("parent"), *state.get("dependencies", [])]:
            assert needed is None or needed in seen, (step["urn"], needed)
        if "provider" in state:
            assert state["provider"].rsplit("::", 1)[0] in seen
        seen.add(step["urn"])


def test_ids_unknown_in_preview_and_inputs_kept(dev_json: dict[str, Any]) -> None:
    subnets = [s["newState"]["inputs"] for s in dev_json["steps"]
               if s["newState"]["type"] == "openstack:networking/subnet:Subnet"]
    assert subnets and all(s["networkId"] == UNKNOWN for s in subnets)
    assert all(s["ipVersion"] == 4 and isinstance(s["ipVersion"], int) for s in subnets)
    # Known outputs flow on: the WORM rule names its bucket, as the real preview would show.
    worm = next(s["newState"]["inputs"] for s in dev_json["steps"]
                if s["newState"]["type"] == "alicloud:oss/bucketWorm:BucketWorm")
    assert worm["bucket"] == "dev-cd-dr-archive"


def test_secrets_never_appear(dev_json: dict[str, Any]) -> None:
    text = json.dumps(dev_json)
    assert PLACEHOLDER_SECRET not in text
    assert dev_json["config"]["medcloud:ipsecPsk-gz-cd-unicom"] == "[secret]"
    connections = [s["newState"]["inputs"] for s in dev_json["steps"]
                   if s["newState"]["type"] == "alicloud:vpn/connection:Connection"]
    # Only the key is hidden; the cipher choices stay reviewable (R-NET-04).  Chengdu gateways are
    # dual-tunnel: the options sit on each tunnel (issue 11).
    ikes = [t["tunnelIkeConfig"] for c in connections for t in c["tunnelOptionsSpecifications"]]
    assert len(ikes) == 2 * len(connections) > 0
    assert all(ike["psk"] == "[secret]" and ike["ikeEncAlg"] == "sm4" for ike in ikes)
    for key in [k for k in dev_json["config"] if k.startswith("medcloud:sm")]:
        assert dev_json["config"][key] == "[secret]"


def test_stack_outputs_sit_on_the_stack_step(dev_json: dict[str, Any]) -> None:
    stack = next(s for s in dev_json["steps"] if s["newState"]["type"] == "pulumi:pulumi:Stack")
    outputs = stack["newState"]["outputs"]
    assert set(outputs["vpcIds"]) == {"gz-prod", "fs-aa", "cd-dr"}
    assert outputs["cidrPlan"]["space"] == "10.64.0.0/12"
    assert outputs["drLinkEndpoints"]["gz-cd-unicom"]["cd-dr"] == UNKNOWN


def test_cli_tree_is_the_default(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "preview", "dev")
    assert code == 1  # mandatory violations on the deployed resources (R-TOP-05, R-BC-01, R-ST-04)
    # stderr carries only conformance findings (issue 11), one line each
    assert all(line.startswith("conformance: ") for line in err.splitlines())
    assert out.startswith("Previewing stack medcloud/dev (offline, mock engine)\n")
    assert "└── + medcloud:region:Region dev\n" in out
    assert "+ alicloud:kms/key:Key dev-cd-dr-storage-sm4-key\n" in out
    assert "keySpec=Aliyun_SM4 protectionLevel=HSM\n" in out
    assert "Policy violations: " in out


def test_cli_writes_json_atomically_to_out(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           dev_json: dict[str, Any]) -> None:
    target = tmp_path / "nested" / "dev.json"
    code, out, err = run(capsys, "preview", "dev", "--format", "json", "--out", str(target))
    assert (code, out) == (1, "")
    assert all(line.startswith("conformance: ") for line in err.splitlines())
    assert json.loads(target.read_text(encoding="utf-8")) == dev_json
    assert [p.name for p in target.parent.iterdir()] == ["dev.json"]


def test_cli_unknown_stack_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "preview", "nope")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no stack named 'nope'" in err and "Traceback" not in err


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "stacks" / "regions").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
    shutil.copy(ROOT / "__main__.py", project / "__main__.py")
    return project


def test_cli_bad_region_names_file_line_and_field(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project_copy(tmp_path)
    text = (ROOT / "stacks" / "regions" / "dev.yaml").read_text(encoding="utf-8")
    (project / "stacks" / "regions" / "dev.yaml").write_text(
        text.replace("address_space: 10.64.0.0/12", "address_space: 10.64.0.0/33"), encoding="utf-8",
    )
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  medcloud:region: regions/dev.yaml\n")
    monkeypatch.setenv("MEDCLOUD_HOME", str(project))
    code, out, err = run(capsys, "preview", "dev")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "dev.yaml:" in err and "address_space" in err


def test_cli_too_small_address_space_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project_copy(tmp_path)
    text = (ROOT / "stacks" / "regions" / "dev.yaml").read_text(encoding="utf-8")
    (project / "stacks" / "regions" / "dev.yaml").write_text(
        text.replace("address_space: 10.64.0.0/12", "address_space: 10.64.0.0/20"), encoding="utf-8",
    )
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  medcloud:region: regions/dev.yaml\n")
    monkeypatch.setenv("MEDCLOUD_HOME", str(project))
    code, _, err = run(capsys, "preview", "dev")
    assert code == 2 and "address_space 10.64.0.0/20 is too small" in err and err.count("\n") == 1


def test_secure_config_values_are_placeholders_shown_as_secret(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    shutil.copy(ROOT / "stacks" / "regions" / "dev.yaml", project / "stacks" / "regions" / "dev.yaml")
    (project / "stacks" / "Pulumi.dev.yaml").write_text(
        "config:\n  medcloud:region: regions/dev.yaml\n"
        "  medcloud:ipsecPsk-gz-cd-unicom:\n    secure: v1:Zm9vYmFyYmF6:cXV1eA==\n"
    )
    text, _ = render(preview("dev", project), "json")
    assert "Zm9vYmFyYmF6" not in text and PLACEHOLDER_SECRET not in text
    assert json.loads(text)["config"]["medcloud:ipsecPsk-gz-cd-unicom"] == "[secret]"


def test_missing_program_config_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project_copy(tmp_path)
    shutil.copy(ROOT / "stacks" / "regions" / "dev.yaml", project / "stacks" / "regions" / "dev.yaml")
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  medcloud:region: regions/dev.yaml\n")
    (project / "__main__.py").write_text('import pulumi\n\npulumi.Config("medcloud").require("sitePrefix")\n')
    monkeypatch.setenv("MEDCLOUD_HOME", str(project))
    code, out, err = run(capsys, "preview", "dev")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Pulumi.dev.yaml" in err and "medcloud:sitePrefix" in err


def test_tree_shows_unknown_outputs_as_known_after_apply_never_as_an_id() -> None:
    """Pulumi prints "(known after apply)"; the engine's unknown marker must never look like a real id."""
    from medcloud.preview import preview, render

    text, _ = render(preview("dev"), "tree")
    assert UNKNOWN not in text
    assert 'vpcIds: {"cd-dr": "(known after apply)"' in text


def test_cli_reports_provider_conformance_one_line_per_problem(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: what the providers' Check would refuse is printed as URN: property: value: allowed [source]."""
    report = conformance(preview("dev", ROOT))
    code, _, err = run(capsys, "preview", "dev")
    # A conformance finding is bad input (exit 2); otherwise the policy verdict stands: dev exits 1 for
    # its mandatory violations on the deployed resources (R-TOP-05, R-BC-01, R-ST-04, issue 13).
    assert code == (2 if report.findings else 1)
    lines = [line for line in err.splitlines() if line.startswith("conformance: urn:")]
    assert len(lines) == len(report.findings)
    for finding, line in zip(report.findings, lines, strict=True):
        assert line == f"conformance: {finding.line()}"
    assert report.unchecked == []
    assert PLACEHOLDER_SECRET not in err


def test_property_dependencies_are_recorded_as_pulumi_preview_json_does(dev_json: dict[str, Any]) -> None:
    states = [s["newState"] for s in dev_json["steps"]]
    linked = [s for s in states if s.get("propertyDependencies")]
    assert linked
    urns = {s["urn"] for s in states}
    for state in linked:
        for prop, deps in state["propertyDependencies"].items():
            assert prop in state["inputs"]
            assert set(deps) <= urns


def test_a_region_file_previews_as_a_stack_of_its_own(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """README: wherever a command takes STACK it accepts a region file — preview too (issue 17)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("MEDCLOUD_REGION_DIRS", raising=False)
    code, by_name, _ = run(capsys, "preview", "ref002", "--format", "json")
    # Anywhere: the user named the file, so its directory is allowed for this run only.
    outside = tmp_path / "elsewhere" / "ref002.yaml"
    outside.parent.mkdir()
    shutil.copy(ROOT / "stacks" / "regions" / "ref002.yaml", outside)
    code_file, by_file, err = run(capsys, "preview", str(outside), "--format", "json")
    assert (code, code_file) == (1, 1), err
    named, filed = json.loads(by_name), json.loads(by_file)
    # The same resources; the config names the region file the user gave.
    assert [s["urn"] for s in named["steps"]] == [s["urn"] for s in filed["steps"]]
    assert filed["config"]["medcloud:region"] == str(outside.resolve())
    assert "MEDCLOUD_REGION_DIRS" not in __import__("os").environ


#: Resources a program might register, each with values the providers' Check or the cloud refuse:
#: an enum, a range, a conflict (reported from both sides, as Terraform does) and a cloud API rule.
SEEDED_PROGRAM = '''
import pulumi_alicloud as alicloud
import pulumi_openstack as openstack

openstack.networking.SecGroupRule("seeded-enum", direction="sideways", ethertype="IPv4",
                                  security_group_id="sg-seeded")
alicloud.kms.Key("seeded-range", key_spec="Aliyun_SM4", protection_level="HSM", pending_window_in_days=3)
alicloud.ecs.EcsDisk("seeded-conflict", zone_id="cn-chengdu-a", availability_zone="cn-chengdu-a", size=40,
                     category="cloud_essd", encrypted=True)
'''


def test_cli_exits_2_with_one_line_per_problem_the_providers_or_the_cloud_refuse(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: the dev program plus resources with one bad value of each kind: exit 2, and one stderr line
    per problem naming URN, property, value, what is allowed and the source; the program's own
    resources add none.  R-SEC-02: an SM4 key outside a KMS instance is the cloud rule's finding."""
    project = _project_copy(tmp_path)
    shutil.copytree(ROOT / "stacks" / "regions", project / "stacks" / "regions", dirs_exist_ok=True)
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", project / "stacks" / "Pulumi.dev.yaml")
    with (project / "__main__.py").open("a", encoding="utf-8") as program:
        program.write(SEEDED_PROGRAM)
    monkeypatch.setenv("MEDCLOUD_HOME", str(project))
    code, out, err = run(capsys, "preview", "dev", "--format", "json")
    assert code == 2 and json.loads(out)["steps"]  # the document is still printed
    lines = [line for line in err.splitlines() if line.startswith("conformance: urn:")]
    assert all("::seeded-" in line for line in lines), lines
    expected = [
        ("::seeded-enum: direction: sideways: one of ", "[provider: ",
         "resource_openstack_networking_secgroup_rule_v2.go:"),
        ("::seeded-range: pendingWindowInDays: 3: int 7..366 ", "[provider: ", "resource_alicloud_kms_key.go:"),
        ("::seeded-conflict: availabilityZone: ", "[provider: ", "resource_alicloud_ecs_disk.go:"),
        ("::seeded-conflict: zoneId: ", "[provider: ", "resource_alicloud_ecs_disk.go:"),
        ("::seeded-range: keySpec: Aliyun_SM4: ", "[cloud: ", "key types and specifications"),
    ]
    for parts in expected:
        assert any(all(p in line for p in parts) for line in lines), (parts, lines)
    assert len(lines) == len(expected), lines
    assert err.splitlines()[-1] == f"conformance: {len(expected)} problem(s) `pulumi preview`/`up` would refuse"
