"""The ``StoragePolicy`` component: a centre's block volume types with redundancy and QoS
(R-ST-01), snapshot schedule (R-BC-03), object and WORM archive buckets (R-ST-02, R-DC-02),
replication to the DR centre (R-BC-02) and SM4 encryption where data needs it (R-DC-01)."""

from __future__ import annotations

import pulumi
from medcloud.components.args import StorageArgs, props
from medcloud.components.backends import Backend, StorageHandles


class StoragePolicy(pulumi.ComponentResource):
    def __init__(self, name: str, args: StorageArgs, backend: Backend, *,
                 replica: StorageHandles | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("medcloud:storage:StoragePolicy", name, props(args), opts)
        self.args = args
        self.handles = backend.storage(self, name, args, replica)
        self.register_outputs({
            "centre": args.centre,  # the compliance joins key on it (stack policies see only outputs)
            "volumeTypes": self.handles.volume_types,
            "objectsBucket": args.objects_bucket,
            "archiveBucket": args.archive_bucket if args.archive_worm else None,
            "kmsKeyId": self.handles.kms_key_id,
            "snapshotTimes": list(args.snapshot_times),
        })
