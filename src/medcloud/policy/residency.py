"""R-TOP-09 on the deployed stack: every cloud provider points at a centre of the region model,
inside the declared provinces.

A stack policy sees each resource's *outputs* under ``pulumi up``/``preview``
(the engine's ``AnalyzeStack``), so it finds the model only if the Region
component registers it among its outputs; offline (medcloud preview/review)
inputs are visible too.  Without a model the policy reports itself not
applicable rather than passing.
"""

from __future__ import annotations

from typing import Any

from medcloud.components.backends.alicloud import types as ali
from medcloud.components.backends.openstack import types as os_
from medcloud.model import Cloud, Region
from medcloud.policy.model import REGION_TYPE, find_model, region_report
from medcloud.policy.registry import Report, stack_policy

#: AliCloud mainland regions and the province-level division hosting them (AliCloud's region list).
ALICLOUD_REGION_PROVINCE = {
    "cn-qingdao": "Shandong", "cn-beijing": "Beijing", "cn-zhangjiakou": "Hebei",
    "cn-huhehaote": "Inner Mongolia", "cn-wulanchabu": "Inner Mongolia", "cn-hangzhou": "Zhejiang",
    "cn-shanghai": "Shanghai", "cn-nanjing": "Jiangsu", "cn-fuzhou": "Fujian", "cn-wuhan-lr": "Hubei",
    "cn-shenzhen": "Guangdong", "cn-heyuan": "Guangdong", "cn-guangzhou": "Guangdong",
    "cn-chengdu": "Sichuan", "cn-hongkong": "Hong Kong",
}

_PROVIDER_CLOUD = {ali.PROVIDER: Cloud.ALICLOUD, os_.PROVIDER: Cloud.OPENSTACK}


def _region_model(resources: Any) -> Region | None:
    for res in resources:
        if REGION_TYPE.match(str(res.resource_type)):
            model = find_model(res.props)
            if model is not None:
                region = region_report(model).region
                return region if isinstance(region, Region) else None
    return None


@stack_policy(
    "r-top-09-provider-residency", "R-TOP-09",
    "R-TOP-09: every cloud provider targets a centre of the region model inside the declared provinces",
)
def provider_residency(args: Any, report: Report) -> None:
    region = _region_model(args.resources)
    if region is None:
        args.not_applicable("no Region component with a valid region model in the stack")
        return
    allowed = set(region.residency.imaging_provinces) | set(region.residency.sensitive)
    for res in args.resources:
        cloud = _PROVIDER_CLOUD.get(str(res.resource_type))
        if cloud is None:
            continue
        target = res.props.get("region")
        if not target:
            continue
        centres = [c for c in region.centres if c.cloud == cloud and c.cloud_region == target]
        if not centres:
            report(f"R-TOP-09: {cloud.value} provider targets {target}, which is no centre of region "
                   f"{region.name!r}", res.urn)
            continue
        province = ALICLOUD_REGION_PROVINCE.get(str(target)) if cloud == Cloud.ALICLOUD else None
        province = province or centres[0].location.province
        if province not in allowed:
            report(f"R-TOP-09: {cloud.value} provider targets {target} in {province}, outside "
                   f"{', '.join(sorted(allowed))}", res.urn)
