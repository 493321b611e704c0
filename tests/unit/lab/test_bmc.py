"""Lab BMC contents: FRU and SDR bytes that real parsers (pyghmi) read back (R-HW-03)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from medcloud.hardware.lab.bmc import PSU_PRESENT, BMCInstance
from medcloud.hardware.lab.catalogue import MODELS, bmc_model
from pyghmi.ipmi import fru as ipmi_fru
from pyghmi.ipmi import sdr as ipmi_sdr
from pyghmi.ipmi.private import constants


@pytest.mark.parametrize("key", sorted(MODELS))
def test_fru_round_trips_through_pyghmi(key: str) -> None:
    model = MODELS[key]
    raw = bmc_model(model, "node-01").fru.encode()
    info = ipmi_fru.FRU(rawdata=raw).info
    assert info["Manufacturer"] == model.manufacturer
    assert info["Product name"] == model.product
    assert info["Board product name"] == model.board
    assert info["Chassis type"] == "Rack Mount Chassis"
    assert info["Serial Number"].startswith("SN")


def test_fru_areas_are_8_byte_aligned_with_zero_checksums() -> None:
    raw = bmc_model(MODELS["taishan-2280"], "node-01").fru.encode()
    assert sum(raw[:8]) % 256 == 0
    for offset_units in raw[2:5]:
        start = offset_units * 8
        length = raw[start + 1] * 8
        assert sum(raw[start:start + length]) % 256 == 0
    assert len(raw) % 8 == 0


def test_serials_differ_per_device_and_are_stable() -> None:
    a = bmc_model(MODELS["gw-ft2500"], "a").fru
    assert a.serial == bmc_model(MODELS["gw-ft2500"], "a").fru.serial
    assert a.serial != bmc_model(MODELS["gw-ft2500"], "b").fru.serial


def test_sdrs_decode_with_pyghmi_names_and_types() -> None:
    sensors = bmc_model(MODELS["ls-3c5000"], "n").sensors
    decoded = [ipmi_sdr.SDREntry(bytearray(s.sdr(i)), constants, True) for i, s in enumerate(sensors, 1)]
    assert [d.name for d in decoded] == [s.name for s in sensors]
    kinds = [d.sensor_type for d in decoded]
    assert kinds.count("Fan") == 4 and kinds.count("Power Supply") == 2


def test_lost_redundancy_is_modelled_in_the_sensors() -> None:
    """R-HW-03: a missing PSU has no presence state, a stopped fan reads 0 RPM."""
    sensors = bmc_model(MODELS["sugon-h620"], "n", psus_ok=1, fans_ok=3).sensors
    psus = [s for s in sensors if s.name.startswith("PSU")]
    fans = [s for s in sensors if s.name.startswith("FAN")]
    assert [s.states for s in psus] == [(PSU_PRESENT,), ()]
    assert [s.raw == 0 for s in fans] == [False, False, False, True]


def test_emulator_file_writes_every_byte_as_a_hex_number() -> None:
    """ipmi_sim's parser rejects bare hex (c0) and character literals; every byte is 0x…."""
    emu = bmc_model(MODELS["taishan-2280"], "n").emu()
    for line in emu.splitlines():
        if line.startswith(("main_sdr_add", "mc_add_fru_data", "sel_add")):
            data = line.split(" data ", 1)[-1] if "mc_add_fru_data" in line else line
            tokens = data.split()[2:]
            assert all(re.fullmatch(r"0x[0-9a-f]{1,2}", t) for t in tokens), line[:80]
    assert emu.rstrip().endswith("mc_enable 0x20")


def test_lan_conf_refuses_unquotable_credentials() -> None:
    model = bmc_model(MODELS["taishan-2280"], "n")
    with pytest.raises(ValueError, match="printable"):
        BMCInstance("n", 6230, "admin", 'pa"ss', model).lan_conf(Path("/bin/true"), Path("/bin/true"))


def test_lan_conf_listens_on_loopback_with_md5_only() -> None:
    model = bmc_model(MODELS["taishan-2280"], "n")
    conf = BMCInstance("n", 6230, "admin", "pw-1234", model).lan_conf(Path("/bin/true"), Path("/bin/true"))
    assert "addr 127.0.0.1 6230" in conf
    assert "none" not in conf.split("allowed_auths_admin", 1)[1].splitlines()[0]
    assert 'user 2 true "admin" "pw-1234" admin' in conf


def test_factory_accounts_are_enabled_beside_the_management_one() -> None:
    """R-SEC-04: the lab's BMCs ship with a vendor-style default account (and one with an
    anonymous user) for `medcloud bmc` to remove; their passwords cannot be quoted either."""
    model = bmc_model(MODELS["sugon-h620"], "n")
    conf = BMCInstance("n", 6230, "admin", "pw-1234", model, MODELS["sugon-h620"].factory_accounts).lan_conf(
        Path("/x/chassis"), Path("/x/lan"))
    assert 'user 1 true "" "anonymous" user' in conf
    assert 'user 3 true "ADMIN" "ADMIN" admin' in conf
    assert 'lan_config_program "/x/lan n"' in conf and 'chassis_control "/x/chassis n"' in conf
    with pytest.raises(ValueError, match="printable"):
        BMCInstance("n", 6230, "admin", "pw", model, (("x", 'q"'),)).lan_conf(Path("/a"), Path("/b"))
