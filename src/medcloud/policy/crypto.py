"""Encryption-at-rest and algorithm policies on cloud resources: R-DC-01 (SM4 at rest) and
R-SEC-01 (SM2/SM3/SM4; AES-256/RSA-2048 only for interop).

A resource whose setting the cloud enforces (an AliCloud disk's ``encrypted``, an
OSS bucket's SSE, a KMS key spec) passes or fails.  An OpenStack volume type's
:data:`VOLUME_ENCRYPTION_SPEC` is a marker nothing in Cinder reads: a marker that
contradicts the requirement fails, and one that agrees is reported by the advisory
``r-dc-01-volume-marker-declared`` policy as *declared*, never as a pass.
"""

from __future__ import annotations

from typing import Any

from medcloud.components.backends.alicloud.types import BUCKET as ALI_BUCKET
from medcloud.components.backends.alicloud.types import BUCKET_SSE as ALI_BUCKET_SSE
from medcloud.components.backends.alicloud.types import DISK as ALI_DISK
from medcloud.components.backends.alicloud.types import ECS_DISK as ALI_ECS_DISK
from medcloud.components.backends.alicloud.types import KMS_KEY as ALI_KMS_KEY
from medcloud.components.backends.openstack.types import KEY_ORDER as OS_KEY_ORDER
from medcloud.components.backends.openstack.types import VOLUME_ENCRYPTION_SPEC
from medcloud.components.backends.openstack.types import VOLUME_TYPE as OS_VOLUME_TYPE
from medcloud.policy.model import _INTEROP_SCHEMA, interop_exceptions
from medcloud.policy.registry import Report, marker_policy, resource_policy
from medcloud.policy.rules import algorithm_allowed, algorithm_family


def _sse_is_sm4(rule: Any) -> bool:
    algorithm = str(rule.get("sseAlgorithm") or "").upper()
    return algorithm == "SM4" or (algorithm == "KMS" and str(rule.get("kmsDataEncryption") or "").upper() == "SM4")


@resource_policy(
    "r-dc-01-encryption-at-rest", "R-DC-01",
    "R-DC-01: medical data at rest is SM4-encrypted: disks encrypted, object storage SSE with SM4, "
    "data keys Aliyun_SM4",
    types=(ALI_DISK, ALI_ECS_DISK, ALI_BUCKET, ALI_BUCKET_SSE, ALI_KMS_KEY, OS_VOLUME_TYPE),
)
def encryption_at_rest(args: Any, report: Report) -> None:
    props = args.props
    kind = args.resource_type
    if kind in (ALI_DISK, ALI_ECS_DISK):
        if not props.get("encrypted"):
            report("R-DC-01: disk is not encrypted (SM4, volume level)")
        elif props.get("encryptAlgorithm") is not None and str(props.get("encryptAlgorithm")).upper() != "SM4":
            report(f"R-DC-01: disk is encrypted with {props.get('encryptAlgorithm')} (needs SM4)")
    elif kind == OS_VOLUME_TYPE:
        spec = (props.get("extraSpecs") or {}).get(VOLUME_ENCRYPTION_SPEC)
        if str(spec or "none").lower() != "sm4":
            report(f"R-DC-01: volume type {props.get('name')!r} has {VOLUME_ENCRYPTION_SPEC}={spec or 'unset'} "
                   "(needs sm4)")
        # sm4: only declared (r-dc-01-volume-marker-declared says so); no Cinder encryption type backs it
    elif kind == ALI_BUCKET:
        rule = props.get("serverSideEncryptionRule")
        if not rule or not _sse_is_sm4(rule):
            shown = (rule or {}).get("sseAlgorithm") or "none"
            report(f"R-DC-01: bucket server-side encryption is {shown} (needs SM4)")
    elif kind == ALI_BUCKET_SSE:
        if not _sse_is_sm4(props):
            report(f"R-DC-01: bucket server-side encryption is {props.get('sseAlgorithm') or 'none'} (needs SM4)")
    elif kind == ALI_KMS_KEY:
        usage = str(props.get("keyUsage") or "ENCRYPT/DECRYPT")
        spec = str(props.get("keySpec") or "Aliyun_AES_256")
        if usage == "ENCRYPT/DECRYPT" and algorithm_family(spec) != "sm4" and args.name not in interop_exceptions(args):
            report(f"R-DC-01: data key spec {spec} (needs Aliyun_SM4)")


def _volume_marker(props: Any) -> str | None:
    spec = (props.get("extraSpecs") or {}).get(VOLUME_ENCRYPTION_SPEC)
    if str(spec or "none").lower() != "sm4":
        return None
    return (f"volume type {props.get('name')!r} carries {VOLUME_ENCRYPTION_SPEC}=sm4, which nothing enforces; no "
            "resource of the program sets a Cinder encryption type (provider luks, cipher sm4-xts-plain64)")


marker_policy(
    "r-dc-01-volume-marker-declared", "R-DC-01",
    f"R-DC-01: an OpenStack volume type's {VOLUME_ENCRYPTION_SPEC}=sm4 is a marker Cinder never reads: "
    "SM4 at rest there is declared (the operator's Cinder encryption type), never compliant",
    types=(OS_VOLUME_TYPE,), declared=_volume_marker,
)


@resource_policy(
    "r-sec-01-key-algorithms", "R-SEC-01",
    "R-SEC-01: keys use SM2/SM4 (hardware-protected); AES-256/RSA-2048 only for declared interop",
    config_schema=_INTEROP_SCHEMA, types=(ALI_KMS_KEY, OS_KEY_ORDER),
)
def key_algorithms(args: Any, report: Report) -> None:
    props = args.props
    if args.resource_type == OS_KEY_ORDER:
        meta = props.get("meta") or {}
        algorithm = str(meta.get("algorithm") or "aes")
        # Barbican names the family and the size apart: aes + 256 is AES-256.
        label = f"{algorithm}{meta.get('bitLength') or ''}" if algorithm.lower() in ("aes", "rsa") else algorithm
        if not algorithm_allowed(label, interop=args.name in interop_exceptions(args)):
            report(f"R-SEC-01: Barbican key order for {algorithm} {meta.get('bitLength') or ''}".rstrip()
                   + " (SM4; AES-256 only with an interop exception)")
        return
    if args.resource_type != ALI_KMS_KEY:
        return
    spec = str(props.get("keySpec") or "Aliyun_AES_256")
    interop = args.name in interop_exceptions(args)
    if not algorithm_allowed(spec, interop=interop):
        extra = "" if algorithm_family(spec) in ("aes256", "rsa2048") else " at all"
        report(f"R-SEC-01: key spec {spec} is not allowed{extra}"
               f"{'' if extra else ' without an interop exception'} (SM2/SM4)")
    if str(props.get("protectionLevel") or "SOFTWARE").upper() != "HSM":
        report("R-SEC-01: key protection level is SOFTWARE (keys come from a hardware crypto module, R-SEC-03)")
