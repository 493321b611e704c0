"""The ``SystemPlacement`` component: a business system's block volumes in every centre
its class requires (R-BC-01), encrypted where its data level requires (R-DC-01)."""

from __future__ import annotations

import pulumi
from medcloud.components.args import PlacementArgs, VolumeArgs, props
from medcloud.components.backends import Backend, StorageHandles, slug


class SystemPlacement(pulumi.ComponentResource):
    def __init__(self, name: str, args: PlacementArgs, centres: dict[str, tuple[Backend, StorageHandles]],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:placement:SystemPlacement", name, props(args), opts)
        self.args = args
        volumes: dict[str, pulumi.Output[str]] = {}
        for replica in args.replicas:
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
            backend, storage = centres[replica.centre]
            volume = backend.volume(
                self, slug(name, replica.centre, replica.pool),
                VolumeArgs(args.system, replica, args.block_gib, args.encryption_required, labels), storage,
            )
            volumes[replica.centre] = volume.id
        self.register_outputs({"volumes": volumes, "replicaCentres": [r.centre for r in args.replicas]})
