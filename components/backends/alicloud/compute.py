"""AliCloud compute layer: instance families per CPU architecture, dedicated host clusters and
dedicated hosts for dedicated pools (R-TOP-08), deployment sets for anti-affinity (R-CMP-02).

A pool's flavors become ECS instance types of the architecture's family: the ``g`` families
give 4 GiB per vCPU, the SCU shape (R-POOL-01), from ``large`` (2 vCPU) to ``16xlarge``
(64 vCPU / 256 GiB, R-CMP-01).  A dedicated pool gets a dedicated host cluster in its zone and
one dedicated host per node (or as many as its largest server group needs), with automatic
placement off, so no instance lands there unless it names the host (R-TOP-08).  Allowed values
follow ``alicloud_ecs_dedicated_host`` and ``alicloud_ecs_deployment_set`` in the provider.
"""

from __future__ import annotations

import warnings

import pulumi
from medcloud.components.args import ComputeArgs, FlavorArgs, PoolComputeArgs, ServerGroupArgs
from medcloud.components.backends import ComputeHandles, RegionShared, slug
from medcloud.components.backends.alicloud.backend import AliCloudBackend

from medcloud.errors import UnsupportedPoolError as UnsupportedPoolError  # noqa: PLC0414 -- re-export; defined in medcloud.errors

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import pulumi_alicloud as alicloud

    _LOADED = (alicloud.ecs.DedicatedHost, alicloud.ecs.EcsDeploymentSet)

#: CPU architecture → (ECS instance family, dedicated host type).  AliCloud sells no LoongArch
#: instances; a region's offer is listed by DescribeDedicatedHostTypes.
FAMILIES: dict[str, tuple[str, str]] = {
    "x86_64": ("ecs.g7", "ddh.g7"),
    "aarch64": ("ecs.g8y", "ddh.g8y"),
}
#: Instance-type size suffix per vCPU count in the ``g`` families.
SIZES = {2: "large", 4: "xlarge"}


def instance_type(family: str, flavor: FlavorArgs) -> str | None:
    """``ecs.g7.2xlarge`` for 8 vCPU / 32 GiB; None where the family has no such size (1 vCPU)."""
    if flavor.vcpus in SIZES:
        return f"{family}.{SIZES[flavor.vcpus]}"
    if flavor.vcpus >= 8 and flavor.vcpus % 4 == 0:
        return f"{family}.{flavor.vcpus // 4}xlarge"
    return None


def family_of(centre: str, pool: PoolComputeArgs) -> tuple[str, str]:
    try:
        return FAMILIES[pool.labels.cpu_arch]
    except KeyError:
        raise UnsupportedPoolError(
            f"centre {centre}: pool {pool.labels.pool} needs {pool.labels.cpu_arch} instances, which AliCloud "
            f"does not offer (it offers {', '.join(sorted(FAMILIES))}, R-HW-01)"
        ) from None


def host_names(pool: PoolComputeArgs) -> list[str]:
    """The model's nodes, else ``<pool>-01``… for as many hosts as the pool needs."""
    return list(pool.hosts) or [f"{pool.labels.pool}-{i:02d}" for i in range(1, pool.host_count + 1)]


class AliCloudCompute:
    def __init__(self, backend: AliCloudBackend) -> None:
        self.backend = backend

    def _opts(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.backend.provider)

    def compute(self, parent: pulumi.Resource, name: str, args: ComputeArgs) -> ComputeHandles:
        flavors: dict[str, dict[str, pulumi.Input[str]]] = {}
        groups: dict[str, pulumi.Output[str]] = {}
        for pool in args.pools:
            family, host_type = family_of(args.centre, pool)
            types = {f.name: instance_type(family, f) for f in pool.flavors}
            flavors[pool.labels.pool] = {k: v for k, v in types.items() if v is not None}
            if not pool.labels.dedicated:
                continue
            tags = dict(pool.labels.tags(), **{
                "medcloud-centre": args.centre, "medcloud-dedicated": "true",
                "medcloud-cpu-family": pool.cpu_family,
            })
            cluster = alicloud.ecs.EcsDedicatedHostCluster(
                f"{name}-{pool.labels.pool}", dedicated_host_cluster_name=f"{args.centre}-{pool.labels.pool}",
                zone_id=pool.labels.az, tags=tags,
                description=f"R-TOP-08 dedicated hosts of pool {pool.labels.pool} ({pool.labels.security_domain})",
                opts=self._opts(parent),
            )
            groups[pool.labels.pool] = cluster.id
            for host in host_names(pool):
                alicloud.ecs.DedicatedHost(
                    slug(name, pool.labels.pool, host), dedicated_host_name=host, dedicated_host_type=host_type,
                    dedicated_host_cluster_id=cluster.id, zone_id=pool.labels.az, auto_placement="off",
                    action_on_maintenance="Migrate", payment_type="PostPaid", tags=tags,
                    description=f"pool {pool.labels.pool}: {family} instances only", opts=self._opts(parent),
                )
        return ComputeHandles(flavors=flavors, host_groups=groups)

    def server_group(self, parent: pulumi.Resource, name: str, args: ServerGroupArgs,
                     compute: ComputeHandles) -> pulumi.CustomResource:
        # "Availability" spreads the set's instances over distinct physical hosts (R-CMP-02).
        return alicloud.ecs.EcsDeploymentSet(
            name, deployment_set_name=f"{args.system}-{args.replica.role}", strategy="Availability",
            domain="Default", granularity="Host", on_unable_to_redeploy_failed_instance="CancelMembershipAndStart",
            description=f"R-CMP-02 {args.system} {args.replica.role}: {args.instances} x {args.flavor}, one per host",
            opts=self._opts(parent),
        )


def create(backend: AliCloudBackend, shared: RegionShared) -> AliCloudCompute:
    """Registry entry point (``medcloud.components.backends.registry.compute_for``)."""
    return AliCloudCompute(backend)
