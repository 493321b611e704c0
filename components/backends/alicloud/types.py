"""AliCloud resource type tokens and the contract strings medcloud's AliCloud resources carry.

Policies, reviews, previews and the API rules import these instead of restating them.
"""

from __future__ import annotations

PROVIDER = "pulumi:providers:alicloud"
CEN = "alicloud:cen/instance:Instance"
CEN_ATTACHMENT = "alicloud:cen/instanceAttachment:InstanceAttachment"
KMS_KEY = "alicloud:kms/key:Key"
KMS_INSTANCE = "alicloud:kms/instance:Instance"
DISK = "alicloud:ecs/disk:Disk"
ECS_DISK = "alicloud:ecs/ecsDisk:EcsDisk"
BUCKET = "alicloud:oss/bucket:Bucket"
BUCKET_SSE = "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"
BUCKET_WORM = "alicloud:oss/bucketWorm:BucketWorm"
SNAPSHOT_POLICY = "alicloud:ecs/autoSnapshotPolicy:AutoSnapshotPolicy"
SECURITY_GROUP_RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
VPC = "alicloud:vpc/network:Network"
VSWITCH = "alicloud:vpc/switch:Switch"
VPN_GATEWAY = "alicloud:vpn/gateway:Gateway"
VPN_CONNECTION = "alicloud:vpn/connection:Connection"
VPN_CUSTOMER_GATEWAY = "alicloud:vpn/customerGateway:CustomerGateway"
SM_CERTIFICATE = "alicloud:cas/serviceCertificate:ServiceCertificate"
PHYSICAL_CONNECTION = "alicloud:expressconnect/physicalConnection:PhysicalConnection"
VBR = "alicloud:expressconnect/virtualBorderRouter:VirtualBorderRouter"
SLB_TLS = "alicloud:slb/tlsCipherPolicy:TlsCipherPolicy"
ALB_TLS = "alicloud:alb/securityPolicy:SecurityPolicy"
DEPLOYMENT_SET = "alicloud:ecs/ecsDeploymentSet:EcsDeploymentSet"
GTM_MONITOR = "alicloud:dns/monitorConfig:MonitorConfig"
SNAPSHOT_POLICY_ATTACHMENT = "alicloud:ecs/ecsAutoSnapshotPolicyAttachment:EcsAutoSnapshotPolicyAttachment"

# Types the program does not create, but which an operator's own program (or a hand-added
# resource in a real preview) may use to implement a requirement: the compliance joins read them.
BUCKET_REPLICATION = "alicloud:oss/bucketReplication:BucketReplication"
DISK_REPLICA_PAIR = "alicloud:ebs/diskReplicaPair:DiskReplicaPair"
CEN_BANDWIDTH_PACKAGE = "alicloud:cen/bandwidthPackage:BandwidthPackage"

#: Tag linking an uploaded SM certificate pair to the national-standard VPN gateway it is for.
SM_CERT_FOR_TAG = "medcloud-vpn-gateway"

#: Inputs whose change the provider implements as a replacement (``ForceNew`` in
#: terraform-provider-alicloud's schema); "*" = every input but ``description``.
FORCE_NEW: dict[str, frozenset[str]] = {
    VSWITCH: frozenset({"cidrBlock", "vpcId", "zoneId"}),
    BUCKET: frozenset({"bucket"}),
    SECURITY_GROUP_RULE: frozenset({"*"}),
    ECS_DISK: frozenset({"zoneId", "encrypted", "kmsKeyId", "snapshotId"}),
}
