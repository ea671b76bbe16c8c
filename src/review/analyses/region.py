"""Regional comparison: each authority on funnel plots of audit compliance, moderated grades and NIs.

Computes one frozen result for a region and cycle from the authorities' (pseudonymised) evidence;
views format it. Funnel limits follow Spiegelhalter (2005), see :mod:`review.stats.funnel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from review.analyses.audits import cycle_audits
from review.data.load import Evidence
from review.exceptions import ParameterError
from review.stats.funnel import FunnelResult, funnel

__all__ = ["NeighbourComparison", "RegionComparison", "compare_region", "region_evidence"]


@dataclass(frozen=True)
class NeighbourComparison:
    """One authority against its statistical neighbours on one measure (pooled proportions)."""

    unit: str
    measure: str
    proportion: float
    neighbours: tuple[str, ...]
    neighbour_events: int
    neighbour_n: int

    @property
    def neighbour_proportion(self) -> float:
        """The neighbours' pooled proportion (NaN when they have no denominator)."""
        return self.neighbour_events / self.neighbour_n if self.neighbour_n else float("nan")


@dataclass(frozen=True)
class RegionComparison:
    """Every measure's funnel plot for one cycle, and each authority against its neighbours."""

    cycle: str
    funnels: tuple[FunnelResult, ...]
    neighbours: tuple[NeighbourComparison, ...]

    @property
    def outliers(self) -> tuple[tuple[str, str, str], ...]:
        """``(measure, authority, position)`` for every point outside the 95% limits, alarms first."""
        rank = {"low alarm": 0, "high alarm": 0, "low alert": 1, "high alert": 1}
        found = [(f.measure, p.unit, p.position) for f in self.funnels for p in f.outliers]
        return tuple(sorted(found, key=lambda t: (rank[t[2]], t[0], t[1])))


def _criterion_counts(evidence: Evidence, cycle: str, criterion: str) -> tuple[int, int]:
    audits = cycle_audits(evidence, cycle)
    answers = audits[criterion] if criterion in audits else audits.iloc[0:0, 0]
    return int((answers == "Yes").sum()), int(answers.isin(["Yes", "No"]).sum())


def _criterion_label(evidence: Evidence, criterion: str) -> str:
    """The criterion's wording in the evidence's ``criteria.csv``, or its column name if it has none."""
    table = evidence.table("criteria")
    rows = table[table["criterion"] == criterion]
    return str(rows["label"].iloc[0]) if len(rows) else criterion


def _moderated_counts(evidence: Evidence, cycle: str) -> tuple[int, int]:
    audits = evidence.table("audits")
    moderated = audits[(audits["cycle"] == cycle) & audits["moderation_of"].notna()]
    scales = evidence.table("grade_scales")
    good_rows = scales[scales["good_or_better"] == "yes"]
    rated_rows = scales[scales["not_applicable"] == "no"]
    good = set(zip(good_rows["scale_id"], good_rows["label"], strict=True))
    rated = set(zip(rated_rows["scale_id"], rated_rows["label"], strict=True))
    pairs = list(zip(moderated["grade_scale"], moderated["overall_grade"], strict=True))
    return sum(p in good for p in pairs), sum(p in rated for p in pairs)


def _indicator_counts(evidence: Evidence, cycle: str) -> dict[str, tuple[int, int]]:
    table = evidence.table("indicators")
    rows = table[table["cycle"] == cycle]
    return {str(r.indicator): (int(r.numerator), int(r.denominator)) for r in rows.itertuples()}


def region_evidence(region_file: str) -> tuple[dict[str, Evidence], dict[str, tuple[str, ...]]]:
    """Load, validate and pseudonymise every authority's evidence, each with its own key.

    In a regional run the evidence comes from the run's snapshots (``REVIEW_REGION_CACHE``, see
    :data:`review.analyses.context.REGION_CACHE_ENV`): pseudonymised on the workers, so the
    comparison's kernel holds no authority's key and never reads the raw files.

    Returns
    -------
    tuple
        ``(evidence by authority id, neighbours by authority id)``.
    """
    import os
    from pathlib import Path

    from review.analyses.context import REGION_CACHE_ENV, _load, read_snapshot
    from review.batch.region import key_environment
    from review.config.paths import resolve
    from review.config.region import load_region

    region = load_region(region_file)
    cache = os.environ.get(REGION_CACHE_ENV)
    evidence = {}
    for authority in region.authorities:
        if cache:
            evidence[authority.id] = read_snapshot(Path(cache) / f"{authority.id}.pickle", resolve(authority.evidence))
            continue
        with key_environment(authority.key):
            evidence[authority.id] = _load(resolve(authority.evidence))
    return evidence, {a.id: a.neighbours for a in region.authorities}


def compare_region(
    evidence: Mapping[str, Evidence],
    cycle: str,
    *,
    criteria: tuple[str, ...],
    neighbours: Mapping[str, tuple[str, ...]] | None = None,
) -> RegionComparison:
    """Place every authority on funnel plots for one cycle.

    Measures: compliance (Yes among Yes and No) with each audit criterion in ``criteria`` on first
    case-file audits (named by the criterion's wording in the first authority's ``criteria.csv``); moderated grades Good or better (moderators' grades); each National Indicator
    (NI) in ``indicators.csv``. An authority with no denominator for a measure is left off its plot.

    Parameters
    ----------
    evidence : mapping
        Authority id to its evidence.
    cycle : str
        The cycle compared.
    criteria : tuple of str
        Audit criteria (columns of ``audits.csv``) to compare.
    neighbours : mapping, optional
        Authority id to its statistical neighbours' ids.

    Returns
    -------
    RegionComparison
    """
    if len(evidence) < 2:
        raise ParameterError("a regional comparison needs at least two authorities")
    measures: dict[str, dict[str, tuple[int, int]]] = {}
    first = next(iter(evidence.values()))
    for unit, ev in evidence.items():
        for criterion in criteria:
            measure = f"audit compliance: {_criterion_label(first, criterion)}"
            measures.setdefault(measure, {})[unit] = _criterion_counts(ev, cycle, criterion)
        measures.setdefault("moderated grades Good or better", {})[unit] = _moderated_counts(ev, cycle)
        for indicator, counts in _indicator_counts(ev, cycle).items():
            measures.setdefault(indicator, {})[unit] = counts
    funnels = []
    for measure, per_unit in measures.items():
        units = [u for u, (_, n) in per_unit.items() if n > 0]
        events = [per_unit[u][0] for u in units]
        if len(units) >= 2 and 0 < sum(events) < sum(per_unit[u][1] for u in units):
            funnels.append(funnel(measure, units, events, [per_unit[u][1] for u in units]))
    comparisons = []
    for f in funnels:
        by_authority = {p.unit: (p.events, p.n) for p in f.points}
        for p in f.points:
            near = tuple(n for n in (neighbours or {}).get(p.unit, ()) if n in by_authority)
            comparisons.append(NeighbourComparison(
                unit=p.unit, measure=f.measure, proportion=p.proportion, neighbours=near,
                neighbour_events=sum(by_authority[n][0] for n in near),
                neighbour_n=sum(by_authority[n][1] for n in near)))
    return RegionComparison(cycle=cycle, funnels=tuple(funnels), neighbours=tuple(comparisons))
