"""Compliance on what is deployed, not on what is declared.

:func:`evaluate` is the one evaluation ``validate``, ``preview``, ``review``
and the policy pack share: the model checks (:mod:`medcloud.checks`), the
join tables comparing model facts with resource properties
(:mod:`medcloud.compliance.joins`), the declarations no resource backs
(:mod:`medcloud.compliance.declared`), the seed conflicts
(:mod:`medcloud.compliance.conflicts`) and the evidence documents
(:mod:`medcloud.compliance.evidence`).
"""

from __future__ import annotations

from medcloud.compliance.engine import evaluate, joined_findings, requirement_checks
from medcloud.compliance.joins import TABLES, Backing, JoinTable, Probe
from medcloud.compliance.resources import Graph, Resource, from_policy, from_states

__all__ = [
    "TABLES", "Backing", "Graph", "JoinTable", "Probe", "Resource", "evaluate", "from_policy", "from_states",
    "joined_findings", "requirement_checks",
]
