"""The JAR Haringey 2008 stocktake: every finding of the source, its triangulated evidence and judgement.

For each of the 11 findings (the 11th from the DCSF summary, as the source says) the analysis
gathers the independent evidence that bears on it, each line with its level, interval, band,
firmness and change since last cycle, then judges the finding by :mod:`review.analyses.judgement`:

- audit criteria declared against the finding in ``criteria.jar_finding`` (case-file,
  supervision and IRO audits);
- multi-agency audits, one line per agency (health trusts, police), for criteria declared so;
- national indicators that measure the finding's area (:data:`FINDING_INDICATORS`);
- the schedule of returns (finding 8: performance returns delivered on time; finding 1: the
  returns senior officers own) and the senior officers' own audits against their quota (finding 1);
- the LSCB's records (finding 3): is the chair independent; were the challenges it raised with
  member agencies answered;
- finding 10 (too much reliance on quantitative data): for each area an indicator measures,
  whether audits also give qualitative evidence on it this cycle (:data:`INDICATOR_QUALITY`);
- the managers' self-assessment, which alone never makes a finding green.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from review.analyses._evidence import agency_of, criterion_counts, first_audits, lscb_lines
from review.analyses.judgement import (
    SELF,
    EvidenceLine,
    ItemJudgement,
    Rates,
    action_sentence,
    rag_counts,
    rag_sentence,
    triangulate,
)
from review.config.framework_items import JAR_FINDINGS, SourceItem
from review.data import Evidence

__all__ = ["FINDING_INDICATORS", "INDICATOR_QUALITY", "SENIOR_TIERS", "UNCERTAIN_WORDS", "FindingResult", "JarResult", "analyse",
           "analyse_context"]

FINDING_INDICATORS: dict[str, tuple[str, ...]] = {
    "J05": ("NI59", "NI60"),  # assessments completed within timescale
    "J07": ("NI67",),  # child protection plans reviewed within timescale
}
"""National indicators (higher is better) that measure a finding's area."""

INDICATOR_QUALITY: dict[str, tuple[str, tuple[str, ...]]] = {
    "NI59": ("initial assessments", ("risk_identified",)),
    "NI60": ("core assessments", ("risk_identified",)),
    "NI61": ("adoption", ()),
    "NI62": ("placement stability", ()),
    "NI63": ("long-term placement stability", ()),
    "NI64": ("child protection plans", ("cp_plan_quality",)),
    "NI65": ("child protection plans", ("cp_plan_quality",)),
    "NI66": ("looked after children's reviews", ("child_participation",)),
    "NI67": ("child protection reviews", ("cp_plan_quality",)),
    "NI68": ("referrals", ()),
}
"""For finding 10: the area each indicator measures and the audit criteria that examine the
quality of practice in that area (an area with no such criterion audited has no qualitative
evidence)."""

UNCERTAIN_WORDS = ("judgements are uncertain (their evidence's interval spans a threshold or rests on "
                   "self-assessment only)")
"""What the second headline counts."""

SENIOR_TIERS = ("AD", "DCS")
"""Senior officers whose own case-file audits evidence strategic oversight (finding 1)."""


@dataclass(frozen=True)
class FindingResult:
    """One finding of the source with its evidence and judgement.

    Attributes
    ----------
    item : SourceItem
    evidence : tuple of EvidenceLine
        Independent lines first, the self-assessment last.
    judgement : ItemJudgement
    """

    item: SourceItem
    evidence: tuple[EvidenceLine, ...]
    judgement: ItemJudgement


@dataclass(frozen=True)
class JarResult:
    """Everything the JAR stocktake report shows.

    Attributes
    ----------
    cycle, previous : str
    confidence_level, green, red : float
    findings : tuple of FindingResult
        The 11 findings in the source's order.
    rag_counts : dict
        Findings per band (``red``, ``amber``, ``green``, ``grey``).
    needs_action : tuple of str
        Findings judged red, with their id and the reason.
    changes : tuple of str
        Evidence lines whose change since last cycle is beyond chance (improved or worse).
    headlines : tuple of str
    """

    cycle: str
    previous: str
    confidence_level: float
    green: float
    red: float
    findings: tuple[FindingResult, ...]
    rag_counts: dict[str, int]
    needs_action: tuple[str, ...]
    changes: tuple[str, ...]
    headlines: tuple[str, ...]


def _audit_lines(evidence: Evidence, number: int, cycle: str, previous: str, rates: Rates) -> list[EvidenceLine]:
    criteria = evidence.table("criteria")
    chosen = criteria[pd.to_numeric(criteria["jar_finding"], errors="coerce") == number]
    now_all, before_all = first_audits(evidence, cycle), first_audits(evidence, previous)
    agency = agency_of(evidence)
    by_type: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}  # each audit type selected once, not per criterion
    lines = []
    for row in chosen.itertuples():
        for audit_type in [t.strip() for t in str(row.audit_types).split(";") if t.strip()]:
            if audit_type not in by_type:
                by_type[audit_type] = (now_all[now_all["audit_type"] == audit_type],
                                       before_all[before_all["audit_type"] == audit_type])
            now, before = by_type[audit_type]
            if audit_type != "multi-agency":
                lines.append(rates.line("audit", f"{audit_type} audits: {row.label}",
                                        criterion_counts(now, evidence, row.criterion),
                                        criterion_counts(before, evidence, row.criterion), "files"))
                continue
            for name in sorted({agency.get(a, "partner agency") for a in now["auditor_id"]}):
                mine = now[now["auditor_id"].map(lambda a: agency.get(a, "partner agency")) == name]
                theirs = before[before["auditor_id"].map(lambda a: agency.get(a, "partner agency")) == name]
                counts = criterion_counts(mine, evidence, row.criterion)
                if counts[1]:
                    lines.append(rates.line("multi-agency audit", f"{name}: {row.label}", counts,
                                            criterion_counts(theirs, evidence, row.criterion), "files"))
    return lines


def _indicator_lines(evidence: Evidence, finding: str, cycle: str, previous: str, rates: Rates) -> list[EvidenceLine]:
    ni = evidence.table("indicators")
    lines = []
    for ref in FINDING_INDICATORS.get(finding, ()):
        now, before = ni[(ni["cycle"] == cycle) & (ni["indicator"] == ref)], ni[(ni["cycle"] == previous) & (ni["indicator"] == ref)]
        if now.empty:
            continue
        prev = (int(before["numerator"].iloc[0]), int(before["denominator"].iloc[0])) if len(before) else None
        lines.append(rates.line("indicator", f"{ref} ({INDICATOR_QUALITY.get(ref, ('', ()))[0]})",
                                (int(now["numerator"].iloc[0]), int(now["denominator"].iloc[0])), prev, "children"))
    return lines


def on_time(evidence: Evidence, cycle: str, tiers: tuple[str, ...] = ()) -> tuple[int, int]:
    """Returns of the schedule due in the cycle (owned by ``tiers``, if given) and how many came by their due date."""
    sched = evidence.table("schedule")
    sched = sched[(sched["cycle"] == cycle) & (sched["owner_tier"].isin(tiers) if tiers else True)]
    done = sum(1 for r in sched.itertuples() if r.delivered_date is not None and not pd.isna(r.delivered_date)
               and r.delivered_date <= r.due_date)
    return int(done), len(sched)


def _single_post_holders(evidence: Evidence, tiers: tuple[str, ...]) -> bool:
    """Whether a tier of ``tiers`` has a single post-holder: figures of its own performance then
    identify that person (unit ``post-holder``: internal only, :mod:`review.protection.units`)."""
    staff = evidence.table("staff")
    counts = staff[staff["tier"].isin(tiers)]["tier"].value_counts()
    return any(counts.get(t, 0) == 1 for t in tiers)


def senior_audits(evidence: Evidence, cycle: str) -> tuple[int, int]:
    """Case-file audits the senior tiers completed (each auditor counted up to quota) and their quota."""
    programme, staff = evidence.table("programme"), evidence.table("staff")
    audits = first_audits(evidence, cycle)
    done = due = 0
    for tier in SENIOR_TIERS:
        quota = programme[(programme["tier"] == tier) & (programme["audit_type"] == "case file")
                          & (programme["from_cycle"] <= cycle)].sort_values("from_cycle")
        if quota.empty:
            continue
        q = int(quota["quota_per_auditor"].iloc[-1])
        for person in staff[staff["tier"] == tier]["staff_id"]:
            mine = audits[(audits["auditor_id"] == person) & (audits["audit_type"] == "case file")]
            done += min(len(mine), q)
            due += q
    return done, due


def indicator_coverage(evidence: Evidence, cycle: str) -> list[tuple[str, str, bool]]:
    """For finding 10: each indicator reported this cycle, its area, and whether audits examined that area."""
    ni = evidence.table("indicators")
    reported = sorted(set(ni[ni["cycle"] == cycle]["indicator"]))
    audits = first_audits(evidence, cycle)
    out = []
    for ref in reported:
        area, criteria = INDICATOR_QUALITY.get(ref, (ref, ()))
        examined = any(c in audits and audits[c].notna().any() for c in criteria)
        out.append((ref, area, examined))
    return out


def _self_line(evidence: Evidence, finding: str, cycle: str, previous: str, rates: Rates) -> list[EvidenceLine]:
    sa = evidence.table("self_assessments")
    sa = sa[(sa["framework"] == "jar_haringey") & (sa["item"] == finding)]

    def counts(c: str) -> tuple[int, int] | None:
        mine = sa[sa["cycle"] == c]
        if mine.empty:
            return None
        good = set().union(*(evidence.scales[s].good_or_better for s in mine["grade_scale"].unique()))
        return int(mine["rating"].isin(good).sum()), len(mine)

    now = counts(cycle)
    if now is None:
        return []
    return [rates.line(SELF, "managers rating it Good or better", now, counts(previous), "ratings")]


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float) -> JarResult:
    """The stocktake of every finding this cycle.

    Parameters
    ----------
    evidence : Evidence
    cycle, previous : str
        This cycle and the one it is compared with.
    confidence_level : float
    green, red : float
        The workbook's thresholds (the ``rag_green`` and ``rag_red`` parameters).

    Returns
    -------
    JarResult
    """
    rates = Rates(confidence_level=confidence_level, green=green, red=red)
    findings = []
    for number, item in enumerate(JAR_FINDINGS, start=1):
        lines = _audit_lines(evidence, number, cycle, previous, rates)
        lines += _indicator_lines(evidence, item.item_id, cycle, previous, rates)
        if item.item_id == "J01":
            returns = on_time(evidence, cycle, SENIOR_TIERS)
            single = _single_post_holders(evidence, SENIOR_TIERS)  # their own figures: internal only
            if returns[1]:
                lines.append(rates.line("schedule", "returns senior officers (AD, DCS) own, delivered by their due date",
                                        returns, on_time(evidence, previous, SENIOR_TIERS),
                                        "post-holder" if single else "returns"))
            done = senior_audits(evidence, cycle)
            if done[1]:
                lines.append(rates.line("audit programme", "senior officers' (AD, DCS) own case-file audits "
                                        "completed against their quota", done, senior_audits(evidence, previous),
                                        "post-holder" if single else "audits due"))
        if item.item_id == "J03":
            lines += lscb_lines(evidence, rates, cycle=cycle, previous=previous)
        if item.item_id == "J08":
            now = on_time(evidence, cycle)
            if now[1]:
                lines.append(rates.line("schedule", "performance returns delivered by their due date", now,
                                        on_time(evidence, previous), "returns"))
        if item.item_id == "J10":
            cover = indicator_coverage(evidence, cycle)
            if cover:
                missing = [f"{ref} ({area})" for ref, area, ok in cover if not ok]
                lines.append(rates.line("coverage", "areas measured by an indicator that audits also examined",
                                        (sum(ok for _, _, ok in cover), len(cover)), None, "areas", census=True,
                                        note=("no qualitative evidence on: " + ", ".join(missing)) if missing else
                                        "every area measured by an indicator was also audited"))
        lines += _self_line(evidence, item.item_id, cycle, previous, rates)
        findings.append(FindingResult(item, tuple(lines), triangulate(lines)))
    return _finish(findings, cycle=cycle, previous=previous, confidence_level=confidence_level, green=green, red=red)


def _finish(findings: Sequence[FindingResult], **meta) -> JarResult:
    counts = rag_counts([f.judgement.band for f in findings])
    actions = tuple(action_sentence(f.item.item_id, f.judgement) for f in findings if f.judgement.band == "red")
    changes = tuple(ln.change_sentence(f.item.item_id)
                    for f in findings for ln in f.evidence if ln.change.label in ("improved", "worse"))
    uncertain = sum(not f.judgement.firm and f.judgement.band != "grey" for f in findings)
    headlines = (f"JAR findings: {rag_sentence(counts)}", f"{uncertain} of {len(findings)} {UNCERTAIN_WORDS}")
    return JarResult(findings=tuple(findings), rag_counts=counts, needs_action=actions, changes=changes,
                     headlines=headlines, **meta)


def analyse_context(ctx) -> JarResult:  # noqa: ANN001 - a Context; kept untyped to avoid an import cycle
    """:func:`analyse` with a notebook's context (its evidence, cycle and parameters)."""
    p = ctx.params
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                   green=p.rag_green, red=p.rag_red)
