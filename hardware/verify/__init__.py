"""Verification: spec profile × facts → per-device, per-check results with requirement IDs."""

from medcloud.hardware.verify.engine import Verification
from medcloud.hardware.verify.results import CheckResult, DeviceResult, Report, Status

__all__ = ["CheckResult", "DeviceResult", "Report", "Status", "Verification"]
