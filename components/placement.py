"""The ``SystemPlacement`` component: a business system in every centre its class requires
(R-BC-01) — per copy an anti-affinity server group on the flavor that fits its VMs (R-CMP-01,
R-CMP-02) and its block volumes on the pool tier's volume type, encrypted where its data level
requires (R-DC-01)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from medcloud.components.args import PlacementArgs, ServerGroupArgs, VolumeArgs, props
from medcloud.components.backends import Backend, ComputeBackend, ComputeHandles, StorageHandles, slug


@dataclass
class CentreLayers:
    """What a system placed in a centre builds on: the centre's backends and their handles."""

    backend: Backend
    storage: StorageHandles
    compute_backend: ComputeBackend
    compute: ComputeHandles


class SystemPlacement(pulumi.ComponentResource):
    def __init__(self, name: str, args: PlacementArgs, groups: tuple[ServerGroupArgs, ...],
                 centres: dict[str, CentreLayers], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:placement:SystemPlacement", name, dict(
            props(args), serverGroups=[props(g) for g in groups],
        ), opts)
        self.args = args
        volumes: dict[str, pulumi.Output[str]] = {}
        server_groups: dict[str, pulumi.Output[str]] = {}
        for group in groups:
            replica = group.replica
            layers = centres[replica.centre]
            key = slug(name, replica.centre, replica.pool)
            server_groups[replica.centre] = layers.compute_backend.server_group(
                self, f"{key}-sg", group, layers.compute,
            ).id
            if args.block_gib == 0:
                continue
            labels = {
                "medcloud-system": args.system,
                "medcloud-class": args.business_class,
                "medcloud-data-level": str(args.data_level),
                "medcloud-replica-role": replica.role,
                "medcloud-pool": replica.pool,
                "medcloud-derived": str(replica.derived).lower(),
            }
            volume = layers.backend.volume(
                self, key, VolumeArgs(args.system, replica, args.block_gib, args.encryption_required, labels),
                layers.storage,
            )
            volumes[replica.centre] = volume.id
        self.register_outputs({
            "system": args.system,  # the compliance joins key on it (stack policies see only outputs)
            "volumes": volumes, "serverGroups": server_groups, "replicaCentres": [r.centre for r in args.replicas],
        })
