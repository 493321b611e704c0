"""AliCloud facts per region and per account, as data (the backend and the API rules read them).

Each table names the document it is taken from.  When a centre moves to a
region not listed here, the backend refuses with a clear error rather than
guess (add the region's row after checking the document).
"""

from __future__ import annotations

from medcloud.errors import UnknownZonesError

__all__ = ["UnknownZonesError", "port_type", "second_zone"]

#: Alibaba Cloud VPN Gateway, "Dual-tunnel mode" (IPsec-VPN connections, supported regions):
#: new VPN gateways in these regions are created in dual-tunnel mode and need a disaster-recovery
#: vSwitch in a second zone; their IPsec connections take per-tunnel options
#: (TunnelOptionsSpecification) instead of one IkeConfig/IpsecConfig.
DUAL_TUNNEL_DOC = "Alibaba Cloud VPN Gateway docs: IPsec-VPN dual-tunnel mode, supported regions"
DUAL_TUNNEL_REGIONS = frozenset({
    "cn-qingdao", "cn-beijing", "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-hangzhou",
    "cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-shenzhen", "cn-heyuan", "cn-guangzhou", "cn-chengdu",
    "cn-hongkong",
})

#: Zone ids per region (DescribeZones), in the order the backend prefers them for a second zone.
ZONES: dict[str, tuple[str, ...]] = {
    "cn-chengdu": ("cn-chengdu-a", "cn-chengdu-b"),
    "cn-guangzhou": ("cn-guangzhou-a", "cn-guangzhou-b"),
    "cn-shenzhen": ("cn-shenzhen-a", "cn-shenzhen-b", "cn-shenzhen-c", "cn-shenzhen-d", "cn-shenzhen-e"),
    "cn-hangzhou": ("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"),
    "cn-shanghai": ("cn-shanghai-b", "cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"),
    "cn-beijing": ("cn-beijing-a", "cn-beijing-c", "cn-beijing-f", "cn-beijing-g", "cn-beijing-h"),
}

#: Billing, VPN Gateway: pay-as-you-go VPN gateways are sold on the international site only; an
#: account of the China site (aliyun.com, provider ``account_type`` Domestic — the provider's
#: default) buys them by subscription.
PAYMENT_DOC = "Alibaba Cloud VPN Gateway docs: billing methods (pay-as-you-go: international site only)"
CHINA_SITE = "Domestic"
VPN_PAYMENT = "Subscription"
#: Subscription term in months (the provider allows 1-9, 12, 24, 36).
VPN_PERIOD_MONTHS = 12

#: Key Management Service, "Key types and specifications": the default key (KMS 3.0 default
#: instance) offers Aliyun_AES_256 only; Aliyun_SM4 and other specs live in a KMS instance
#: (DkmsInstanceId).  Keys of a hardware key management instance are HSM-protected.
KMS_SPEC_DOC = "Alibaba Cloud KMS docs: key types and specifications (default key: Aliyun_AES_256 only)"
DEFAULT_KEY_SPECS = frozenset({"Aliyun_AES_256"})
#: Key Management Service, "Key rotation": automatic rotation is not offered together with HSM
#: protection (issue 11, defect 5); HSM keys are rotated by creating key versions.
KMS_ROTATION_DOC = "Alibaba Cloud KMS docs: key rotation (automatic rotation not with HSM protection)"
#: KMS instance product versions as the provider's ``product_version`` takes them: software, hardware.
KMS_SOFTWARE, KMS_HARDWARE = "3", "5"

#: Express Connect: the carrier codes ``line_operator`` takes, by the carrier names the model uses.
LINE_OPERATORS = {"China Telecom": "CT", "China Unicom": "CU", "China Mobile": "CM"}
#: Express Connect port types by circuit speed (Gbps → port).
PORT_TYPES = ((1, "1000Base-LX"), (10, "10GBase-LR"), (40, "40GBase-LR"), (100, "100GBase-LR"))


def second_zone(region: str, zone: str | None) -> str:
    """A zone of ``region`` other than ``zone`` (dual-tunnel VPN and KMS instances need two)."""
    zones = ZONES.get(region)
    if not zones:
        raise UnknownZonesError(f"AliCloud region {region}: no zone list in medcloud.components.backends."
                                f"alicloud.regions.ZONES (a dual-tunnel VPN gateway / KMS instance needs a "
                                f"second zone): add the region's zones from DescribeZones")
    for candidate in zones:
        if candidate != zone:
            return candidate
    raise UnknownZonesError(f"AliCloud region {region}: only zone {zone} is listed; a second zone is needed")


def port_type(gbps: float) -> str:
    for speed, port in PORT_TYPES:
        if gbps <= speed:
            return port
    return PORT_TYPES[-1][1]
