"""Reading the evidence several analyses share: its tables without a copy, partner agencies' auditors."""

from __future__ import annotations

import pandas as pd

from review.data import Evidence

__all__ = ["agency_of", "read_only"]


def agency_of(evidence: Evidence) -> dict[str, str]:
    """Partner-agency auditors (pseudonymised staff ids) to their agency (``staff.service``)."""
    staff = read_only(evidence, "staff")
    return {str(r.staff_id): str(r.service) for r in staff.itertuples() if r.tier == "Partner agency" and r.service}


def read_only(evidence: Evidence, name: str) -> pd.DataFrame:
    """One table of the evidence without :meth:`Evidence.table`'s defensive copy, for code here that
    only filters it (a boolean selection is a new frame): these helpers run hundreds of times per
    report, and copying the whole audits table each time cost a third of a cycle summary's actions."""
    return evidence.tables[name] if name in evidence.tables else evidence.table(name)

