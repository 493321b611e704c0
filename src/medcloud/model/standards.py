"""The standards' figures, as data, in one place.

Every number a check compares against lives here, next to the requirement ID
and the clause it comes from (see ../shared/REQUIREMENTS.md).  Checks, the
policy pack and the hardware specs read these tables; none of them repeats a
figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Need(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class BusinessClass(StrEnum):
    A = "A"
    B = "B"
    C = "C"


@dataclass(frozen=True)
class ClassSpec:
    """One row of the business-class table (R-BC-01, 013 3.7 table 2)."""

    examples: str
    same_city: Need
    remote_dr: Need
    rpo_max_s: float
    rto_max_s: float
    #: RTO for class A is "< 30 s": strictly below the figure.
    rto_strict: bool = False


BUSINESS_CLASSES: dict[BusinessClass, ClassSpec] = {
    BusinessClass.A: ClassSpec("HIS, EMR online, 7x24", Need.REQUIRED, Need.REQUIRED, 0, 30, rto_strict=True),
    BusinessClass.B: ClassSpec("PACS viewing, 4x24", Need.REQUIRED, Need.OPTIONAL, 60, 300),
    BusinessClass.C: ClassSpec("research, analytics", Need.OPTIONAL, Need.OPTIONAL, 900, 1800),
}


class _Ranked(StrEnum):
    """A string enum whose members are ordered weakest first, as declared."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    def at_least(self, other: _Ranked) -> bool:
        return self.rank >= other.rank


class EncryptionScope(_Ranked):
    """How close to the data the SM4 encryption sits, weakest first (R-DC-01)."""

    NONE = "none"
    TLS = "tls"
    FILE = "file"
    VOLUME = "volume"
    HARDWARE = "hardware"


class AccessControl(_Ranked):
    """Access-control granularity, weakest first (R-DC-01)."""

    READ_ONLY = "read_only"
    ROLE = "role"
    TABLE_RBAC = "table_rbac"
    FIELD_MFA = "field_mfa"


class AuditFrequency(_Ranked):
    """How often audit records are reviewed, least frequent first (R-DC-01)."""

    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"
    HOURLY = "hourly"
    REALTIME = "realtime"


@dataclass(frozen=True)
class DataLevelSpec:
    """One row of the data-classification table (R-DC-01, 014 appendix C table C.1)."""

    name: str
    examples: str
    rpo_max_s: float | None
    rto_max_s: float | None
    encryption: EncryptionScope
    #: SM4 is mandatory at FILE and above; TLS 1.3 is optional at level 2.
    encryption_required: bool
    access: AccessControl
    audit: AuditFrequency


DATA_LEVELS: dict[int, DataLevelSpec] = {
    5: DataLevelSpec("very sensitive", "genome, HIV, obstetric history", 15, 300,
                     EncryptionScope.HARDWARE, True, AccessControl.FIELD_MFA, AuditFrequency.REALTIME),
    4: DataLevelSpec("core", "full EMR, DICOM", 15, 300,
                     EncryptionScope.VOLUME, True, AccessControl.TABLE_RBAC, AuditFrequency.HOURLY),
    3: DataLevelSpec("important", "admission summary, prescriptions", 3600, 900,
                     EncryptionScope.FILE, True, AccessControl.ROLE, AuditFrequency.DAILY),
    2: DataLevelSpec("internal", "anonymised statistics", 86400, 7200,
                     EncryptionScope.TLS, False, AccessControl.ROLE, AuditFrequency.WEEKLY),
    1: DataLevelSpec("public", "hospital profile", None, None,
                     EncryptionScope.NONE, False, AccessControl.READ_ONLY, AuditFrequency.MONTHLY),
}

# --- Topology: two sites, three centres -----------------------------------
#: R-TOP-02 [013 3.4, 5.6.2.1 b]
SAME_CITY_MAX_KM = 100.0
SAME_CITY_AZ_RTT_MAX_MS = 5.0
ACTIVE_ACTIVE_RTT_MAX_MS = 2.0
ACTIVE_ACTIVE_LOSS_MAX_PCT = 0.01
#: R-TOP-03 [013 3.6, 5.6.2.2 b]
REMOTE_DR_MIN_KM = 300.0
REMOTE_RTT_MIN_MS = 5.0
REMOTE_RTT_MAX_MS = 30.0
#: R-TOP-04 [013 5.6.2.1 b]
SAME_CITY_MIN_LINKS = 2
SAME_CITY_LINK_MIN_GBPS = 100.0
#: R-TOP-05 [013 5.6.2.2 d]
REMOTE_MIN_LINKS = 2
REMOTE_LINK_MIN_GBPS = 10.0
REMOTE_SCALE_OUT_UTILISATION_PCT = 70.0
#: R-TOP-06 [013 5.6.2.2 g]
DR_MIN_CPU_RATIO = 0.5
DR_MIN_MEMORY_RATIO = 0.5
DR_MIN_STORAGE_RATIO = 1.2
#: R-TOP-10 [002 A.2.5]: branch lines come in pairs over different ducts.
BRANCH_MIN_LINES = 2

# --- Business continuity ---------------------------------------------------
#: R-BC-02 [013 5.6.2.2 c]
REMOTE_ASYNC_LAG_MAX_S = 15 * 60
OBJECT_REPLICATION_LAG_MAX_S = 60
#: R-BC-03 [013 5.6.2.2 c]
SNAPSHOT_TIMES = ("00:00", "06:00", "12:00", "18:00")
SNAPSHOT_RETENTION_DAYS = 7
#: R-BC-05 [013 5.6.2.1 c]: 2+2 synchronous write replicas across the pair.
SAME_CITY_MIN_WRITE_REPLICAS = 4
#: R-BC-05 [013 5.6.2.1 a]: core databases commit by a consensus protocol or shared-storage dual write.
CORE_DB_CONSISTENCY = frozenset({"raft", "paxos", "shared_storage_dual_write"})
#: R-BC-08 [013 5.6.2.2 a, g]: remote DR runs active-standby, verified read-only daily, bursts to 100 %.
DR_MODE = "active_standby"
DR_READONLY_VERIFICATION_MAX_DAYS = 1
DR_BURST_MIN_PCT = 100

# --- Data and storage ------------------------------------------------------
#: R-DC-02 [014 C.3 e]
ARCHIVE_RETENTION_MIN_YEARS = 30
#: R-ST-01 [003]
BLOCK_MIN_REPLICAS = 3
#: R-ST-02 [003]
OBJECT_REPLICA_CHOICES = (3, 4)
#: R-ST-02 [003]: the tender's erasure codes are examples; any k+m with m >= 2 qualifies.
OBJECT_EC_EXAMPLES = ((2, 2), (4, 2), (8, 3))
OBJECT_EC_MIN_PARITY = 2
#: R-ST-04 [014 7.3.2.2 e; 013 6.4.1.1 c]: cold tiers the standards name.
COLD_TIERS = frozenset({"hdd", "optical", "archive", "cold_archive", "infrequent_access"})
#: R-ST-05 [013 5.6.2.2 e]: daily block checksums, object SM3 hashes, alarm within 1 min,
#: a monthly restore drill sampling 5 % of objects.
INTEGRITY_CHECK_MAX_HOURS = 24
INTEGRITY_ALARM_MAX_S = 60
RESTORE_DRILL_MAX_DAYS = 31
RESTORE_DRILL_MIN_SAMPLE_PCT = 5.0
#: R-DC-03 [013 6.2.1]: storage availability and annual loss probability.
STORAGE_AVAILABILITY_MIN_PCT = 99.95
STORAGE_ANNUAL_LOSS_MAX = 1e-9
#: R-BAK-01 [014 6.1.2 b; 6.4 a]: the backup kinds every institution runs.
BACKUP_KINDS = frozenset({"full", "incremental", "differential"})
#: R-ST-02 [003]: the 3-replica mode spreads over 3 racks (or 3 access-switch pairs).
OBJECT_3_REPLICA_MIN_RACKS = 3

# --- Domestic hardware -----------------------------------------------------
#: R-HW-02 [014 6.1.1 c]
NODE_MIN_PHYSICAL_CORES = 32
NODE_MIN_STORAGE_GBPS = 10.0
#: R-HW-05 [014 7.3.3.1 b]
STORAGE_NODE_MIN_GBPS = 100.0

# --- Pools -------------------------------------------------------------------
#: R-POOL-01 [013 5.2.1 c]: one standard capacity unit.
SCU_VCPU = 1
SCU_MEMORY_GIB = 4
SCU_IOPS = 1000
SCU_GBPS = 1.0

# --- Compute -----------------------------------------------------------------
#: R-CMP-01 [003-2022 7.3]: the largest single VM the pools must offer: 64 vCPU / 256 GB.
VM_MAX_VCPUS = 64
VM_MAX_MEMORY_GIB = 256
#: R-CMP-02 [003-2022 7.9.9]: a system's primary and standby never share a host, so every
#: server group holds at least this many instances on as many hosts.
ANTI_AFFINITY_MIN_INSTANCES = 2

# --- Traffic -----------------------------------------------------------------
#: R-BC-06 [013 5.6.2.1 e]: GSLB health probe at least every second, traffic switched within 30 s.
GSLB_PROBE_INTERVAL_MAX_S = 1.0
GSLB_SWITCH_MAX_S = 30.0
#: R-BC-06 [013 5.6.1.1 d]: session persistence for emergency and registration systems; HIS is the
#: outpatient registration (挂号) and emergency front desk in every reference build, so it counts too.
SESSION_PERSISTENCE_KINDS = frozenset({"emergency", "registration", "his"})

# --- Security devices ----------------------------------------------------------
#: R-NET-06 [LN; 014 6.5 b-d; 003-2022 A.2]: the devices every centre runs.
SECURITY_DEVICES = (
    "ngfw", "waf", "ips", "anti_ddos", "vulnerability_scanner", "web_tamper_protection",
    "database_audit", "bastion_host", "ssl_vpn",
)
#: R-NET-06 [003-2022 A.2]: the egress firewall sits in series at the core.
EGRESS_FIREWALL = "egress_firewall"

# --- Conflicts between the seeds (../shared/REQUIREMENTS.md, "Conflicts") --------
#: Each conflict: what the seeds say, and the rule medcloud applies.
CONFLICTS: dict[str, str] = {
    "C1": "core RTO/RPO: 013 table 2, 013 3.4/3.6, 013 5.6.2.2 f, 014 C.1 and 014 A.5 b differ; "
          "the strictest applicable figure is applied",
    "C2": "remote replication: 013 5.6.2.2 c allows asynchronous (lag <= 15 min), 003-2022 7.6/A.2 asks "
          "synchronous zero loss; 013's figure is applied, 003-2022's is reported",
    "C3": "imaging residency [LN] vs remote DR >= 300 km on another grid [013 5.6.2.2 b]: residency wins "
          "(compliance before business SLA, R-POOL-03); an in-province imaging backup is not a 013 remote-DR copy",
    "C4": "domestic CPUs: 014 7.1.1.2 a bans foreign-licensed instruction sets, 013 / 014 7.5.1 c / the "
          "tender allow x86, C86 and ARM; the permissive reading is applied and the pool reported",
    "C5": "structured-data encryption: AES [LN front gateway] vs SM first [014 7.2.1 c]; SM4 is applied, "
          "AES-256 only under an interop exception (R-SEC-01)",
    "C6": "same-city links: 2x10G dark fibre [003-2022 A.2] vs >= 2x100G WDM [013 5.6.2.1 b]; 013's "
          "figure is applied (newer and stricter), a reference build needs a waiver",
}

#: Workloads the standards call sensitive by kind (R-TOP-08): physically dedicated pools.
SENSITIVE_SYSTEM_KINDS = frozenset({"his", "emr", "pacs", "lis", "ris"})
#: Workloads that carry medical imaging (R-TOP-09).
IMAGING_SYSTEM_KINDS = frozenset({"pacs", "ris"})
#: Data levels the standards call sensitive (R-TOP-08, R-TOP-09): core and above.
SENSITIVE_DATA_LEVEL = 4

# --- Crypto, keys and audit (medcloud.crypto, .secrets, .audit, .evidence) ----
#: R-SEC-03 [013 6.2.2 c]: keys rotate at least yearly; the key-change log is kept >= 36 months.
KEY_ROTATION_MAX_DAYS = 365
KEY_CHANGE_LOG_RETENTION_MIN_MONTHS = 36
#: R-SEC-05 [013 5.5.2; 014 7.2.3.4.2 c]: audit records kept >= 6 months, application logs 6 years.
AUDIT_RETENTION_MIN_MONTHS = 6
APPLICATION_LOG_RETENTION_MIN_YEARS = 6
#: GM/T 0009-2012 10: the SM2 signer ID when the parties agreed on none.
SM2_DEFAULT_USER_ID = b"1234567812345678"

# --- Transport and algorithm choices (policy pack) ----------------------------
#: R-NET-04 [013 6.2.2 b 1], R-DC-01 level 2: cross-cloud sync over TLS 1.3 only.
TLS_MIN_VERSION = (1, 3)
#: R-NET-04 [013 6.2.2 b 2], R-SEC-01 [014 7.2.1 c]: the SM suite (national algorithms).
SM_ALGORITHMS = frozenset({"sm2", "sm3", "sm4"})
#: R-SEC-01 [014 7.2.1 c]: international algorithms allowed only where interop needs them.
INTEROP_ALGORITHMS = frozenset({"aes256", "rsa2048"})


def retention_days(years: int) -> int:
    """``years`` as the day count object stores take, never lapsing early.

    A lock of ``years * 365`` days ends up to a week short of the calendar years
    (30 years hold 7 or 8 leap days), so every leap day the span can hold is added.
    """
    return years * 365 + -(-years // 4)


#: R-DC-02 [014 C.3 e]: 30 years of WORM retention, in days as object stores count it.
ARCHIVE_RETENTION_MIN_DAYS = retention_days(ARCHIVE_RETENTION_MIN_YEARS)

# --- Hardware acceptance (medcloud.hardware) ----------------------------------
#: R-HW-01 [013 5.2.1 a; 003; 014 7.5.1 c]: the CPU architectures a region may mix, as
#: Linux names them (lscpu "Architecture"), and the domestic CPU families per architecture.
CPU_ARCHITECTURES = frozenset({"x86_64", "aarch64", "loongarch64"})
DOMESTIC_CPU_FAMILIES: dict[str, str] = {
    "kunpeng": "aarch64", "phytium": "aarch64", "hygon": "x86_64",
    "zhaoxin": "x86_64", "loongson": "loongarch64",
}
#: R-HW-03 [014 7.1.1.1 b]: "redundant" means at least two of each, all healthy.
MIN_REDUNDANT_PSUS = 2
MIN_REDUNDANT_FANS = 2
#: R-HW-04 [014 7.1.2.1]: domestic server OS ("openEuler, Kylin, UOS and similar"), by
#: os-release ID (lower-cased) → product name.  "Similar" is read as the server
#: distributions developed and supported in China: the openEuler line (Huawei's EulerOS
#: and Huawei Cloud EulerOS), the Anolis line (Alibaba Cloud Linux), TencentOS Server and
#: NeoKylin.  An ID_LIKE naming one of these does not make a foreign OS domestic.
DOMESTIC_OS: dict[str, str] = {
    "openeuler": "openEuler", "kylin": "Kylin Linux Advanced Server", "uos": "UnionTech OS Server",
    "neokylin": "NeoKylin Linux Advanced Server", "euleros": "EulerOS", "hce": "Huawei Cloud EulerOS",
    "anolis": "Anolis OS", "alinux": "Alibaba Cloud Linux", "tencentos": "TencentOS Server",
}
DOMESTIC_OS_IDS = frozenset(DOMESTIC_OS)
#: R-HW-06 [014 6.1.3 a; 7.5.1 a]: domestic switch vendors by IANA enterprise number
#: (the arc after 1.3.6.1.4.1 in sysObjectID), with the inventory's name for each.
DOMESTIC_SWITCH_VENDORS: dict[str, tuple[int, str]] = {
    "huawei": (2011, "Huawei"), "h3c": (25506, "H3C"), "ruijie": (4881, "Ruijie"), "zte": (3902, "ZTE"),
    "maipu": (5651, "Maipu"), "bdcom": (3320, "BDCOM"), "dcn": (6339, "Digital China Networks"),
    "dptech": (31648, "DPtech"),
}
DOMESTIC_SWITCH_ENTERPRISES: dict[int, str] = {number: name for number, name in DOMESTIC_SWITCH_VENDORS.values()}
#: R-HW-03 [014 7.1.1.1 b]: declared by the vendor, recorded as evidence.
MTBF_MIN_HOURS = 10_000

# --- Accounts and passwords (R-SEC-04) -------------------------------------------
#: R-SEC-04 [014 7.2.3.1 a]: passwords expire within 90 days; more than 5 failed logins lock
#: the account for at least 30 minutes; no shared accounts (each traceable to a person).
PASSWORD_MAX_AGE_DAYS = 90
LOGIN_FAILURES_BEFORE_LOCK = 5
LOCKOUT_MIN_MINUTES = 30
