"""Spec profiles: what a delivered device must be (R-HW-01…06), as data.

A profile is a YAML file in ``hardware/profiles/`` validated by the models
here.  Floors from the standards (32 cores, redundant PSUs…) come from
:mod:`medcloud.model.standards`; a profile may ask for more, never for less.
"""

from medcloud.hardware.specs.catalogue import Catalogue, load_catalogue
from medcloud.hardware.specs.server import ServerProfile
from medcloud.hardware.specs.switch import SwitchProfile
from medcloud.hardware.specs.versions import version_key

Profile = ServerProfile | SwitchProfile

__all__ = ["Catalogue", "Profile", "ServerProfile", "SwitchProfile", "load_catalogue", "version_key"]
