"""pyghmi's IBM/Lenovo OEM handler (and the ~120 modules it imports) is imported only for a BMC
that has it (issue 15: ~0.06 s at a verify's first login, with every IPMI thread waiting on it).
Each case runs in a fresh interpreter: the deferral must be in place before pyghmi's lookup loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

PRELUDE = """
import sys
from medcloud.hardware.transports import ipmi
assert ipmi.install_oem_deferral() and ipmi.install_oem_deferral()
from pyghmi.ipmi import command
from pyghmi.ipmi.oem import lookup
ipmi.install_clock_fix()
HEAVY = ("pyghmi.util.webclient", "dateutil", "pyghmi.redfish.oem.lenovo")
def loaded():
    return [name for name in HEAVY if name in sys.modules]
"""


def _run(body: str) -> str:
    done = subprocess.run([sys.executable, "-c", PRELUDE + body], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_bmc_of_another_vendor_gets_the_generic_handler_and_nothing_more_is_imported() -> None:
    out = _run("handler, known = lookup.get_oem_handler({'manufacturer_id': 2011, 'product_id': 1}, None)\n"
               "import pyghmi.ipmi.oem.generic as generic\n"
               "print(type(handler) is generic.OEMHandler, known, loaded())\n")
    assert out == "True False []"


@pytest.mark.parametrize("manufacturer", [20301, 19046, 7154])
def test_an_ibm_or_lenovo_bmc_still_gets_pyghmis_own_handler(manufacturer: int) -> None:
    out = _run(f"cls = lookup.oemmap[{manufacturer}].OEMHandler\n"
               "import pyghmi.ipmi.oem.lenovo.handler as real\n"
               "print(cls is real.OEMHandler, sys.modules[ipmi.DEFERRED_OEM] is real, bool(loaded()),\n"
               "      real._monotonic_time is __import__('time').monotonic if hasattr(real, '_monotonic_time')"
               " else True)\n")
    assert out == "True True True True"


def test_not_deferred_once_the_lookup_is_loaded() -> None:
    done = subprocess.run([sys.executable, "-c", "from pyghmi.ipmi import command\n"
                           "from medcloud.hardware.transports import ipmi\n"
                           "print(ipmi.install_oem_deferral())"], capture_output=True, text=True, timeout=120,
                          check=True)
    assert done.stdout.strip() == "False"
