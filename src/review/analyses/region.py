"""Regional comparison: each authority on funnel plots of audit compliance, moderated grades and NIs.

Computes one frozen result for a region and cycle from the authorities' (pseudonymised) evidence;
views format it. Funnel limits follow Spiegelhalter (2005), see :mod:`review.stats.funnel`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from review.analyses._evidence import read_only
from review.analyses.audits import cycle_audits
from review.analyses.context import REGION_CACHE_ENV, load_pseudonymised, read_snapshot
from review.config.paths import resolve
from review.config.region import load_region
from review.data.evidence_map import split_list
from review.data.load import Evidence
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy
from review.stats.funnel import FunnelResult, funnel
from review.stats.indicators import IndicatorDefinition, definitions_from

__all__ = ["MODERATED", "NeighbourComparison", "RegionComparison", "compare_region", "compare_region_counts", "for_audience", "mapped_criteria",
           "region_evidence"]

MODERATED = "moderated grades Good or better"
"""The measure of moderators' overall grades (Ofsted's scale: Outstanding, Good, Adequate, Inadequate)."""


@dataclass(frozen=True)
class NeighbourComparison:
    """One authority against its statistical neighbours on one measure (pooled proportions)."""

    unit: str
    measure: str
    proportion: float
    neighbours: tuple[str, ...]
    neighbour_events: int
    neighbour_n: int
    withheld: bool = False  # a neighbour's figures are withheld on this page, so their pooled rate is too

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
    directions: tuple[tuple[str, str], ...] = ()
    """``(measure, direction)``: ``higher is better``, ``lower is better`` or ``context only``."""
    withheld: tuple[tuple[str, str], ...] = ()
    """``(measure, authority)`` left out of a published page's funnel: its rate is suppressed there."""
    not_compared: tuple[str, ...] = ()
    """Measures a published page cannot compare: fewer than two authorities' figures can be shown."""
    names: tuple[tuple[str, str], ...] = ()
    """``(authority id, name)`` from the region file: a board knows its authorities by name."""

    def direction(self, measure: str) -> str:
        """The measure's better direction (``context only`` if unknown)."""
        return dict(self.directions).get(measure, "context only")

    def label(self, unit: str) -> str:
        """How a page names an authority: its name with its id, or its id when it has no other name.

        Examples
        --------
        >>> r = RegionComparison(cycle="2009-Q4", funnels=(), neighbours=(), names=(("E08000001", "Bolton"),))
        >>> r.label("E08000001"), r.label("E08000002")
        ('Bolton (E08000001)', 'E08000002')
        """
        name = dict(self.names).get(unit, unit)
        return unit if name == unit else f"{name} ({unit})"

    @property
    def overdispersed(self) -> tuple[tuple[str, str], ...]:
        """``(measure, furthest authority)`` for each measure on which at least half the authorities,
        and at least two, lie outside the 99.8% limits: they differ more than chance around one
        regional rate allows (overdispersion: Spiegelhalter 2005; a rule of thumb, not a formal
        test), so that rate is a poor benchmark; the furthest is the authority with the largest standardised distance
        ``|p - p0| / sqrt(p0 (1 - p0) / n)`` from it."""
        out = []
        for f in self.funnels:
            if len(f.alarms) >= 2 and 2 * len(f.alarms) >= len(f.points):
                spread = (f.target * (1 - f.target)) ** 0.5
                furthest = max(f.points, key=lambda p: abs(p.proportion - f.target) * p.n ** 0.5 / spread)
                out.append((f.measure, furthest.unit))
        return tuple(out)

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
    """Moderators' overall grades this cycle that are Good or better, and those rated (not-applicable
    grades left out), on each audit's own grade scale."""
    audits = evidence.table("audits")
    moderated = audits[(audits["cycle"] == cycle) & audits["moderation_of"].notna()]
    good = rated = 0
    for scale_id, grade in zip(moderated["grade_scale"], moderated["overall_grade"], strict=True):
        scale = evidence.scales.get(str(scale_id))
        if scale is None or grade not in scale.rated:
            continue
        rated += 1
        good += grade in scale.good_or_better
    return good, rated


def _indicator_counts(evidence: Evidence, cycle: str) -> dict[tuple[str, str], tuple[int, int]]:
    """Each indicator reported this cycle, keyed by its name and definition: two authorities are
    compared on one indicator only when they report it under the same definition."""
    table = evidence.table("indicators")
    rows = table[table["cycle"] == cycle]
    return {(str(r.indicator), str(r.definition_version)): (int(r.numerator), int(r.denominator))
            for r in rows.itertuples()}


def _indicator_measure(d: IndicatorDefinition, *, versioned: bool) -> tuple[str, str]:
    """An indicator's measure name (its id and title under that definition, national or the
    authority's own; with the definition's version where the region reports the indicator under
    more than one, each its own measure) and its better direction.

    >>> from review.stats.indicators import DEFINITIONS
    >>> _indicator_measure(DEFINITIONS[("NI62", "NI-2008")], versioned=True)[0].startswith("NI62 (NI-2008): ")
    True
    """
    return f"{d.indicator}{f' ({d.version})' if versioned else ''}: {d.title}", d.direction


def region_evidence(region_file: str) -> tuple[dict[str, Evidence], dict[str, tuple[str, ...]], dict[str, str]]:
    """Load, validate and pseudonymise every authority's evidence, each with its own key.

    In a regional run the evidence comes from the run's snapshots (``REVIEW_REGION_CACHE``, see
    :data:`review.analyses.context.REGION_CACHE_ENV`): pseudonymised on the workers, so the
    comparison's kernel holds no authority's key and never reads the raw files.

    Returns
    -------
    tuple
        ``(evidence by authority id, neighbours by authority id, name by authority id)``.
    """
    region = load_region(region_file)
    cache = os.environ.get(REGION_CACHE_ENV)
    evidence = {}
    for authority in region.authorities:
        if cache:
            evidence[authority.id] = read_snapshot(Path(cache) / f"{authority.id}.pickle", resolve(authority.evidence))
            continue
        evidence[authority.id] = load_pseudonymised(resolve(authority.evidence), authority.key)
    return evidence, {a.id: a.neighbours for a in region.authorities}, {a.id: a.name for a in region.authorities}


def mapped_criteria(evidence: Mapping[str, Evidence]) -> tuple[str, ...]:
    """The criteria a regional comparison compares by default: those the first authority's evidence
    map tests (judged rows naming a criterion), in the map's order, that apply to its case-file
    audits (the comparison reads those) and that every authority's audits hold. Each council names
    its own criteria; only names they share can be set side by side."""
    first = next(iter(evidence.values()))
    case_files = set(first.map.types_of_kind("case file"))
    criteria = read_only(first, "criteria")
    applies = {str(r.criterion) for r in criteria.itertuples() if case_files & set(split_list(r.audit_types))}
    mapped = dict.fromkeys(e.evidence for entries in first.map.items.values() for e in entries
                           if e.source == "criterion" and e.judged and e.evidence in applies)
    return tuple(c for c in mapped if all(c in ev.criteria for ev in evidence.values()))


def compare_region(
    evidence: Mapping[str, Evidence],
    cycle: str,
    *,
    criteria: tuple[str, ...] | None = None,
    neighbours: Mapping[str, tuple[str, ...]] | None = None,
    names: Mapping[str, str] | None = None,
) -> RegionComparison:
    """Place every authority on funnel plots for one cycle.

    Measures: compliance (Yes among Yes and No) with each audit criterion in ``criteria`` on first
    case-file audits (named by the criterion's wording in the first authority's ``criteria.csv``); moderated grades Good or better (moderators' grades); each indicator
    in ``indicators.csv``, a National Indicator (NI) or an authority's own (named by the title its
    ``indicator_definitions`` declares); authorities are compared on an indicator only under the
    same definition version, and one the region reports under two versions (in any quarter) is two
    measures, each named with its version. An authority with no denominator for a measure is left off its plot.

    Parameters
    ----------
    evidence : mapping
        Authority id to its evidence.
    cycle : str
        The cycle compared.
    criteria : tuple of str, optional
        Audit criteria (columns of ``audits.csv``) to compare; default :func:`mapped_criteria`, the
        criteria the authorities' evidence maps test.
    neighbours : mapping, optional
        Authority id to its statistical neighbours' ids.
    names : mapping, optional
        Authority id to its name (the region file's ``name``), for the pages.

    Returns
    -------
    RegionComparison
    """
    if len(evidence) < 2:
        raise ParameterError("a regional comparison needs at least two authorities")
    measures: dict[str, dict[str, tuple[int, int]]] = {}
    directions: dict[str, str] = {MODERATED: "higher is better"}
    first = next(iter(evidence.values()))
    chosen = mapped_criteria(evidence) if criteria is None else criteria
    named = {c: f"audit compliance: {_criterion_label(first, c)}" for c in chosen}
    directions.update({measure: "higher is better" for measure in named.values()})
    reported: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    definitions: dict[tuple[str, str], IndicatorDefinition] = {}
    for unit, ev in evidence.items():
        for criterion, measure in named.items():
            measures.setdefault(measure, {})[unit] = _criterion_counts(ev, cycle, criterion)
        measures.setdefault(MODERATED, {})[unit] = _moderated_counts(ev, cycle)
        defined = definitions_from(ev.table("indicator_definitions"))
        for key, counts in _indicator_counts(ev, cycle).items():
            reported.setdefault(key, {})[unit] = counts
            definitions.setdefault(key, defined[key])  # one definition per key (a region refuses two)
    versions: dict[str, set[str]] = {}  # over every quarter: a measure keeps its name from quarter to quarter
    for ev in evidence.values():
        table = ev.table("indicators")
        for indicator, version in zip(table["indicator"], table["definition_version"], strict=True):
            versions.setdefault(str(indicator), set()).add(str(version))
    for (indicator, version), per_unit in reported.items():
        name, direction = _indicator_measure(definitions[(indicator, version)], versioned=len(versions[indicator]) > 1)
        measures[name] = per_unit
        directions[name] = direction
    funnels = []
    for measure, per_unit in measures.items():
        f = _comparable(measure, {u: c for u, c in per_unit.items() if c[1] > 0})
        if f is not None:
            funnels.append(f)
    comparisons = []
    for f in funnels:
        by_authority = {p.unit: (p.events, p.n) for p in f.points}
        for p in f.points:
            near = tuple(n for n in (neighbours or {}).get(p.unit, ()) if n in by_authority)
            comparisons.append(NeighbourComparison(
                unit=p.unit, measure=f.measure, proportion=p.proportion, neighbours=near,
                neighbour_events=sum(by_authority[n][0] for n in near),
                neighbour_n=sum(by_authority[n][1] for n in near)))
    known = names or {}
    return RegionComparison(cycle=cycle, funnels=tuple(funnels), neighbours=tuple(comparisons),
                            directions=tuple((f.measure, directions.get(f.measure, "context only")) for f in funnels),
                            names=tuple((u, known[u]) for u in evidence if u in known))


def _comparable(measure: str, counts: Mapping[str, tuple[int, int]]) -> FunnelResult | None:
    """The funnel of the authorities' ``(events, n)``, or None when it compares nothing: fewer than
    two authorities, or a pooled rate of 0 or 1 (no limits around it)."""
    events = sum(e for e, _ in counts.values())
    if len(counts) < 2 or not 0 < events < sum(n for _, n in counts.values()):
        return None
    return funnel(measure, list(counts), [e for e, _ in counts.values()], [n for _, n in counts.values()])


def for_audience(result: RegionComparison, policy: DisclosurePolicy) -> RegionComparison:
    """The comparison a page for ``policy``'s audience may show.

    On a published page an authority whose rate on a measure is suppressed (a count of 1 to the
    threshold, its complement, or a group smaller than ``min_group``) is left out of that
    measure's funnel altogether: the regional rate, the limits and every other position are
    computed again without it, and no neighbours' pooled rate that includes it is shown. A
    regional or pooled rate that included it could be differenced with the rates shown to
    recover its count. A measure on which fewer than two authorities can be shown is not
    compared. The internal audience sees the comparison as it is.

    Parameters
    ----------
    result : RegionComparison
        From :func:`compare_region`.
    policy : DisclosurePolicy

    Returns
    -------
    RegionComparison
        With ``withheld`` and ``not_compared`` filled in.

    Examples
    --------
    >>> full = compare_region_counts({"A": (3, 40), "B": (40, 50), "C": (42, 50), "D": (38, 50)})
    >>> shown = for_audience(full, DisclosurePolicy())
    >>> round(full.funnels[0].target, 4), round(shown.funnels[0].target, 4)  # 123/190, 120/150
    (0.6474, 0.8)
    >>> shown.withheld
    (('m', 'A'),)
    """
    if not policy.suppress:
        return result
    funnels: list[FunnelResult] = []
    withheld: list[tuple[str, str]] = []
    not_compared: list[str] = []
    for f in result.funnels:
        shown = [p for p in f.points if policy.withhold(p.events, of=p.n) is None]
        withheld.extend((f.measure, p.unit) for p in f.points if p not in shown)
        again = f if len(shown) == len(f.points) else _comparable(f.measure, {p.unit: (p.events, p.n) for p in shown})
        if again is None:
            not_compared.append(f.measure)
        else:
            funnels.append(again)
    hidden = set(withheld)
    kept = {f.measure for f in funnels}
    neighbours = tuple(replace(c, withheld=c.withheld or any((c.measure, n) in hidden for n in c.neighbours))
                       for c in result.neighbours if c.measure in kept and (c.measure, c.unit) not in hidden)
    return replace(result, funnels=tuple(funnels), neighbours=neighbours, withheld=tuple(withheld),
                   not_compared=tuple(not_compared))


def compare_region_counts(counts: Mapping[str, tuple[int, int]], measure: str = "m") -> RegionComparison:
    """A comparison of one measure from each authority's ``(events, n)``: for examples and tests."""
    f = funnel(measure, list(counts), [e for e, _ in counts.values()], [n for _, n in counts.values()])
    return RegionComparison(cycle="", funnels=(f,), neighbours=tuple(
        NeighbourComparison(p.unit, measure, p.proportion, (), 0, 0) for p in f.points))
