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
VOLUME_TYPE = "openstack:blockstorage/volumeTypeV3:VolumeTypeV3"
CONTAINER = "openstack:objectstorage/container:Container"
LISTENER = "openstack:loadbalancer/listener:Listener"

#: Volume-type extra spec declaring the at-rest cipher the centre's operator must configure as the
#: type's Cinder encryption type (no provider resource can).  Scoped keys are ignored by Cinder's
#: capabilities filter: this is evidence, not a mechanism.
VOLUME_ENCRYPTION_SPEC = "medcloud:encryption"
