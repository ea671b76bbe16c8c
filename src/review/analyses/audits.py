"""Audit selections shared by the analyses."""

from __future__ import annotations

import pandas as pd

from review.data import Evidence

__all__ = ["cycle_audits"]


def cycle_audits(evidence: Evidence, cycle: str, *, audit_type: str = "case file", first_only: bool = True) -> pd.DataFrame:
    """The cycle's audits of one type; moderations (re-audits) left out when ``first_only``."""
    audits = evidence.table("audits")
    audits = audits[(audits["cycle"] == cycle) & (audits["audit_type"] == audit_type)]
    if first_only:
        audits = audits[audits["moderation_of"].isna()]
    return audits.reset_index(drop=True)
