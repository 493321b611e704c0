"""OpenStack compute layer: Nova availability zones, host aggregates, flavors and server groups.

* An aggregate per AZ carries the zone (``availability_zone`` in Nova) and lists every node of it.
* An aggregate per pool lists the pool's nodes (a node serves one pool; the loader rejects a node
  in two) and carries the R-TOP-07 metadata.  A dedicated pool's aggregate also requires a
  placement trait of its own, so with ``[scheduler] enable_isolated_aggregate_filtering`` no
  instance whose flavor does not ask for that trait lands on its hosts (R-TOP-08).  The trait is
  set on the nodes' resource providers when they are provisioned; Pulumi has no resource for it.
* Flavors are bound to their pool's aggregate through ``aggregate_instance_extra_specs:*``
  (``AggregateInstanceExtraSpecsFilter``), pin CPUs on dedicated pools (``hw:cpu_policy``), ask
  for the cluster's CPU compatibility level (R-HW-07) and back memory with huge pages where the
  pool reserves them.  Root disks are Cinder volumes (disk 0), so system disks take the pool's
  volume type and size (R-CMP-01).
* Server groups are ``anti-affinity`` with one server per host (R-CMP-02).

Extra-spec keys and values follow Nova's validators (``nova/api/validation/extra_specs``);
server-group policies the provider's ``openstack_compute_servergroup_v2``.
"""

from __future__ import annotations

import warnings

import pulumi
from medcloud.components.args import ComputeArgs, FlavorArgs, PoolComputeArgs, ServerGroupArgs
from medcloud.components.backends import ComputeHandles, RegionShared, slug
from medcloud.components.backends.openstack.backend import OpenStackBackend
from medcloud.components.backends.openstack.sdk import openstack

with warnings.catch_warnings():
    # Submodules load lazily and warn about renamed resources on first access (see .sdk).
    warnings.simplefilter("ignore", DeprecationWarning)
    _LOADED = (openstack.compute.AggregateV2,)

#: Nova's AggregateInstanceExtraSpecsFilter scope.
AGGREGATE_SCOPE = "aggregate_instance_extra_specs"
ANTI_AFFINITY = "anti-affinity"
MIB_PER_GIB = 1024


def pool_trait(pool: str) -> str:
    """The placement trait that isolates a dedicated pool's hosts: ``CUSTOM_MEDCLOUD_POOL_CORE_GOLD``."""
    return "CUSTOM_MEDCLOUD_POOL_" + "".join(c if c.isalnum() else "_" for c in pool.upper())


def aggregate_metadata(pool: PoolComputeArgs) -> dict[str, str]:
    """R-TOP-07 metadata on the pool's aggregate, plus what its flavors match on."""
    meta = dict(pool.labels.tags())
    meta.update({
        "medcloud-dedicated": str(pool.labels.dedicated).lower(),
        "medcloud-cpu-family": pool.cpu_family,
        "medcloud-cpu-arch": pool.labels.cpu_arch,
    })
    if pool.cpu_compat_level:
        meta["medcloud-cpu-compat-level"] = pool.cpu_compat_level
    if pool.labels.dedicated:
        meta[f"trait:{pool_trait(pool.labels.pool)}"] = "required"
    return meta


def flavor_extra_specs(pool: PoolComputeArgs) -> dict[str, str]:
    """Extra specs binding a flavor to its pool's aggregate (same for every size of the pool)."""
    specs = {
        f"{AGGREGATE_SCOPE}:medcloud-pool": pool.labels.pool,
        f"{AGGREGATE_SCOPE}:medcloud-dedicated": str(pool.labels.dedicated).lower(),
        "hw:cpu_policy": "dedicated" if pool.labels.dedicated else "shared",
    }
    if pool.cpu_compat_level:
        specs[f"{AGGREGATE_SCOPE}:medcloud-cpu-compat-level"] = pool.cpu_compat_level
    if pool.labels.dedicated:
        specs[f"trait:{pool_trait(pool.labels.pool)}"] = "required"
    if pool.hugepages_gib:
        specs["hw:mem_page_size"] = "large"
    return specs


class OpenStackCompute:
    def __init__(self, backend: OpenStackBackend) -> None:
        self.backend = backend

    def _opts(self, parent: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=parent, provider=self.backend.provider)

    def compute(self, parent: pulumi.Resource, name: str, args: ComputeArgs) -> ComputeHandles:
        region = self.backend.region
        for az, hosts in args.azs.items():
            openstack.compute.AggregateV2(
                f"{name}-az-{az}", name=f"{args.centre}-az-{az}", zone=az, hosts=list(hosts),
                metadata={"medcloud-centre": args.centre, "medcloud-az": az},
                region=region, opts=self._opts(parent),
            )
        flavors: dict[str, dict[str, pulumi.Input[str]]] = {}
        groups: dict[str, pulumi.Output[str]] = {}
        for pool in args.pools:
            aggregate = openstack.compute.AggregateV2(
                f"{name}-{pool.labels.pool}", name=f"{args.centre}-{pool.labels.pool}", hosts=list(pool.hosts),
                metadata=aggregate_metadata(pool), region=region, opts=self._opts(parent),
            )
            groups[pool.labels.pool] = aggregate.id
            specs = flavor_extra_specs(pool)
            flavors[pool.labels.pool] = {
                flavor.name: self._flavor(parent, name, pool, flavor, specs).id for flavor in pool.flavors
            }
        return ComputeHandles(flavors=flavors, host_groups=groups)

    def _flavor(self, parent: pulumi.Resource, name: str, pool: PoolComputeArgs, flavor: FlavorArgs,
                specs: dict[str, str]) -> openstack.compute.Flavor:
        return openstack.compute.Flavor(
            slug(name, flavor.name), name=flavor.name, vcpus=flavor.vcpus, ram=flavor.memory_gib * MIB_PER_GIB,
            disk=0, is_public=True, extra_specs=specs,
            description=(
                f"{flavor.vcpus} vCPU / {flavor.memory_gib} GiB on pool {pool.labels.pool} "
                f"({pool.labels.tier}, {'dedicated' if pool.labels.dedicated else 'shared'}); boot from volume"
            ),
            region=self.backend.region, opts=self._opts(parent),
        )

    def server_group(self, parent: pulumi.Resource, name: str, args: ServerGroupArgs,
                     compute: ComputeHandles) -> pulumi.CustomResource:
        return openstack.compute.ServerGroup(
            name, name=f"{args.system}-{args.replica.role}", policies=ANTI_AFFINITY,
            rules=openstack.compute.ServerGroupRulesArgs(max_server_per_host=1),
            region=self.backend.region, opts=self._opts(parent),
        )


def create(backend: OpenStackBackend, shared: RegionShared) -> OpenStackCompute:
    """Registry entry point (``medcloud.components.backends.registry.compute_for``)."""
    return OpenStackCompute(backend)
