"""OpenStack resource type tokens and the contract strings medcloud's OpenStack resources carry.

Policies, reviews, previews and the API rules import these instead of restating them.
"""

from __future__ import annotations

PROVIDER = "pulumi:providers:openstack"
ROUTER = "openstack:networking/router:Router"
ROUTER_INTERFACE = "openstack:networking/routerInterface:RouterInterface"
ROUTER_ROUTE = "openstack:networking/routerRoute:RouterRoute"
SUBNET = "openstack:networking/subnet:Subnet"
SUBNET_POOL = "openstack:networking/subnetPool:SubnetPool"
NETWORK = "openstack:networking/network:Network"
SECGROUP_RULE = "openstack:networking/secGroupRule:SecGroupRule"
VPN_SERVICE = "openstack:vpnaas/service:Service"
SITE_CONNECTION = "openstack:vpnaas/siteConnection:SiteConnection"
ENDPOINT_GROUP = "openstack:vpnaas/endpointGroup:EndpointGroup"
IKE_POLICY = "openstack:vpnaas/ikePolicy:IkePolicy"
IPSEC_POLICY = "openstack:vpnaas/ipSecPolicy:IpSecPolicy"
KEY_ORDER = "openstack:keymanager/orderV1:OrderV1"
VOLUME = "openstack:blockstorage/volume:Volume"
VOLUME_TYPE = "openstack:blockstorage/volumeTypeV3:VolumeTypeV3"
CONTAINER = "openstack:objectstorage/container:Container"
LISTENER = "openstack:loadbalancer/listener:Listener"
PORT = "openstack:networking/port:Port"
SERVER_GROUP = "openstack:compute/serverGroup:ServerGroup"
RECORD_SET = "openstack:dns/recordSet:RecordSet"

#: Volume-type extra spec declaring the at-rest cipher the centre's operator must configure as the
#: type's Cinder encryption type (no provider resource can).  Scoped keys are ignored by Cinder's
#: capabilities filter: this is evidence, not a mechanism.
VOLUME_ENCRYPTION_SPEC = "medcloud:encryption"
#: Volume-type extra spec declaring the snapshot schedule (R-BC-03); Cinder has no scheduler.
SNAPSHOT_TIMES_SPEC = "medcloud:snapshot_times"
#: Cinder's own volume-type extra spec turning on replication to cinder.conf's replication_device.
REPLICATION_SPEC = "replication_enabled"
#: Container metadata declaring WORM and its retention (R-DC-02); Swift enforces neither.
WORM_META, RETENTION_META = "medcloud-worm", "medcloud-retention-days"
#: Container metadata naming a replica no Swift mechanism maintains, e.g. an OSS bucket (R-BC-02).
DECLARED_REPLICA_META = "medcloud-replica-declared"
#: Container metadata declaring the at-rest cipher; Swift encrypts cluster-wide, if at all.
OBJECT_ENCRYPTION_META = "medcloud-encryption"

#: Inputs whose change the provider implements as a replacement (``ForceNew`` in
#: terraform-provider-openstack's schema); "*" = every input but ``description``.
FORCE_NEW: dict[str, frozenset[str]] = {
    SUBNET: frozenset({"cidr", "networkId", "ipVersion", "region"}),
    SECGROUP_RULE: frozenset({"*"}),
    VOLUME: frozenset({"availabilityZone", "imageId", "snapshotId", "sourceVolId", "region"}),
    CONTAINER: frozenset({"name", "region"}),
}
