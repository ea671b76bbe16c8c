"""The NI 59-68 family as versioned definitions, computed from counts or from case-level dates.

Definitions changed over time (initial assessments within 7, then 10 working days; a single
assessment within 45 working days from 2013), so each definition is a versioned object and every
chart names its version. Where the 2008 Handbook of Definitions could not be read, the
definition says so in ``certainty`` rather than guessing silently. A council's own indicators
are declared in its evidence (``indicator_definitions``); :func:`definitions_from` gives the one
lookup every analysis reads: the national definitions and the council's.

References
----------
.. [1] Communities and Local Government, *National Indicators for Local Authorities and Local
   Authority Partnerships: Handbook of Definitions*, May 2008 (Annex 2); titles as listed by
   Community Care, 2008.
.. [2] HM Government, *Working Together to Safeguard Children*, 2013 (single assessment,
   45 working days).
.. [3] Department for Education, *Characteristics of children in need* statistical releases
   (successor measures D3, D6, D7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from review.config.cycles import cycle_range, financial_year, previous_cycle
from review.exceptions import ParameterError
from review.stats.calendar import working_days_between
from review.stats.sampling import proportion_ci

__all__ = ["DEFINITIONS", "IndicatorDefinition", "declaration_problem", "definitions_from", "indicator_table", "timeliness"]


@dataclass(frozen=True)
class IndicatorDefinition:
    """One version of an indicator's definition.

    Attributes
    ----------
    indicator : str
        ``NI59`` ... ``NI68``, a successor measure, or a council's own (declared in its
        ``indicator_definitions``, read by :func:`definitions_from`).
    version : str
        Matches ``definition_version`` in the indicators data.
    title : str
    numerator, denominator : str
        What is counted.
    threshold_working_days : int or None
        For timeliness measures, the working days allowed.
    higher_is_better : bool
        The improvement direction (ignored when ``context_only``).
    certainty : str
        How sure the definition is, and from what source. For developers: reports never print
        it; ``docs/indicators.md`` sets out each definitional doubt.
    context_only : bool, default: False
        True for a measure with no better direction (read for context, never judged).
    cumulative : bool, default: True
        True when the counts are events in the period (assessments completed, plans started),
        so a financial year-to-date figure is the sum of the quarters; False for a cohort
        counted at the period's end (children looked after at 31 March), which has no sum.
    """

    indicator: str
    version: str
    title: str
    numerator: str
    denominator: str
    threshold_working_days: int | None
    higher_is_better: bool
    certainty: str
    context_only: bool = False
    cumulative: bool = True

    @property
    def direction(self) -> str:
        """``higher is better``, ``lower is better`` or ``context only``.

        Examples
        --------
        >>> DEFINITIONS[("NI62", "NI-2008")].direction
        'lower is better'
        """
        if self.context_only:
            return "context only"
        return "higher is better" if self.higher_is_better else "lower is better"

    @property
    def improvement(self) -> str:
        """The control chart's improvement direction: ``increase``, ``decrease`` or ``neutral``."""
        if self.context_only:
            return "neutral"
        return "increase" if self.higher_is_better else "decrease"


_TITLE_ONLY = "title verified (Community Care 2008); numerator and denominator inferred from the title"
DEFINITIONS: dict[tuple[str, str], IndicatorDefinition] = {(d.indicator, d.version): d for d in (
    IndicatorDefinition("NI59", "NI-2008", "Initial assessments carried out within 7 working days of referral",
                        "initial assessments completed within 7 working days of referral",
                        "initial assessments completed", 7, True, _TITLE_ONLY),
    IndicatorDefinition("NI59", "NI-2009", "Initial assessments carried out within 10 working days of referral",
                        "initial assessments completed within 10 working days of referral",
                        "initial assessments completed", 10, True,
                        "threshold from a later scrutiny minute (10 working days); the date of the change is not known"),
    IndicatorDefinition("SA45", "WT-2013", "Single assessments completed within 45 working days of referral",
                        "assessments completed within 45 working days", "assessments completed", 45, True,
                        "Working Together 2013"),
    IndicatorDefinition("NI60", "NI-2008", "Core assessments carried out within 35 working days of their commencement",
                        "core assessments completed within 35 working days", "core assessments completed", 35, True,
                        "title and 35-day timescale verified"),
    IndicatorDefinition("NI61", "NI-2008", "Timeliness of placements for adoption after the decision to place",
                        "children placed within the threshold after the 'should be placed' decision",
                        "children placed for adoption", None, True, "threshold NOT FOUND in the sources read"),
    IndicatorDefinition("NI62", "NI-2008", "Stability of placements: three or more placements in the year",
                        "looked-after children at 31 March with 3+ placements in the year",
                        "looked-after children at 31 March", None, False, "DfE successor measure verified",
                        cumulative=False),
    IndicatorDefinition("NI63", "NI-2008", "Stability of placements: length of placement",
                        "under-16s looked after 2.5+ years in the same placement for 2+ years",
                        "under-16s looked after continuously for 2.5+ years", None, True, "verbatim description verified",
                        cumulative=False),
    IndicatorDefinition("NI64", "NI-2008", "Child protection plans lasting 2 years or more",
                        "plans ending in the year that had lasted 2+ years", "plans ending in the year", None, False,
                        "DfE successor D7 verified"),
    IndicatorDefinition("NI65", "NI-2008", "Children becoming subject to a plan for a second or subsequent time",
                        "children starting a plan who had a previous plan, however long ago",
                        "children starting a plan", None, False, "LG Inform text and DfE D3 verified"),
    IndicatorDefinition("NI66", "NI-2008", "Looked-after children's reviews held within required timescales",
                        "looked-after children whose reviews were all within timescale", "looked-after children",
                        None, True, "title verified; cohort rule NOT FOUND", cumulative=False),
    IndicatorDefinition("NI67", "NI-2008", "Child protection cases reviewed within required timescales",
                        "children on a plan 3+ months whose reviews were all within timescale",
                        "children on a plan for 3+ months", None, True, "DfE successor D6 verified", cumulative=False),
    IndicatorDefinition("NI68", "NI-2008", "Referrals going on to initial assessment",
                        "referrals that went on to an initial assessment", "referrals", None, True, _TITLE_ONLY,
                        context_only=True),
)}


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value))


def declaration_problem(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """What stops a council's declared definition from standing, as ``(column, what was expected)``;
    None if it stands. The one statement of the two rules, which ``review validate`` reports with
    the file and row and :func:`definitions_from` refuses.

    Parameters
    ----------
    row : mapping
        One row of ``indicator_definitions``.

    Returns
    -------
    tuple of str or None
        The column at fault and what it should hold; None if the declaration stands.

    Examples
    --------
    >>> declaration_problem({"indicator": "LA01", "definition_version": "L1", "higher_is_better": None,
    ...                      "context_only": True}) is None  # a context measure needs no direction
    True
    >>> declaration_problem({"indicator": "LA01", "definition_version": "L1", "higher_is_better": None,
    ...                      "context_only": None})
    ('higher_is_better', 'expected yes or no (required unless context_only is yes)')
    >>> declaration_problem({"indicator": "NI59", "definition_version": "NI-2008", "higher_is_better": True})[0]
    'definition_version'
    """
    indicator, version = str(row["indicator"]), str(row["definition_version"])
    if (indicator, version) in DEFINITIONS:
        others = ", ".join(sorted(v for i, v in DEFINITIONS if i == indicator))
        return ("definition_version", f"{indicator} version {version} is a national definition and may not be "
                f"redefined (national versions of {indicator}: {others}); expected a version name of the council's own")
    context = bool(row.get("context_only")) if _given(row.get("context_only")) else False
    if not context and not _given(row.get("higher_is_better")):
        return ("higher_is_better", "expected yes or no (required unless context_only is yes)")
    return None


def definitions_from(declared: pd.DataFrame | None = None) -> dict[tuple[str, str], IndicatorDefinition]:
    """The definitions a folder's indicators are read under: the national ones and the council's own.

    Parameters
    ----------
    declared : pandas.DataFrame or None
        The folder's ``indicator_definitions`` dataset (``indicator``, ``definition_version``,
        ``title``, ``numerator``, ``denominator``, ``higher_is_better``, ``context_only``,
        ``cumulative``, ``threshold_working_days``, ``source``); None or empty: the national
        definitions alone.

    Returns
    -------
    dict
        :class:`IndicatorDefinition` by ``(indicator, version)``. A declared definition's
        ``certainty`` says it is the council's and names its ``source``; a context-only one without
        ``higher_is_better`` reads its rate as it stands (``higher_is_better`` True, as NI 68).

    Raises
    ------
    ParameterError
        When a declared row redefines a national definition (same indicator and version), or
        gives no ``higher_is_better`` for a measure that is not context only (``review validate``
        refuses both before any kernel starts).

    Examples
    --------
    >>> local = pd.DataFrame({"indicator": ["LA01"], "definition_version": ["LA-2009"],
    ...                       "title": ["Visits within 5 working days"], "numerator": ["visits in time"],
    ...                       "denominator": ["visits due"], "higher_is_better": [True], "context_only": [None],
    ...                       "cumulative": [None], "threshold_working_days": [5], "source": ["Local procedures"]})
    >>> found = definitions_from(local)
    >>> found[("LA01", "LA-2009")].direction, found[("LA01", "LA-2009")].threshold_working_days
    ('higher is better', 5)
    >>> found[("NI62", "NI-2008")].direction
    'lower is better'
    """
    found = dict(DEFINITIONS)
    if declared is None or declared.empty:
        return found
    for r in declared.to_dict("records"):
        key = (str(r["indicator"]), str(r["definition_version"]))
        problem = declaration_problem(r)
        if problem is not None:
            raise ParameterError(f"indicator_definitions, {key[0]} version {key[1]!r}, column {problem[0]}: {problem[1]}")
        context = bool(r.get("context_only")) if _given(r.get("context_only")) else False
        higher = r.get("higher_is_better")
        days = r.get("threshold_working_days")
        found[key] = IndicatorDefinition(
            key[0], key[1], str(r["title"]), str(r["numerator"]), str(r["denominator"]),
            int(days) if _given(days) else None, bool(higher) if _given(higher) else True,
            f"declared by the council: {r['source']}", context_only=context,
            cumulative=bool(r["cumulative"]) if _given(r.get("cumulative")) else True)
    return found


def timeliness(start: Sequence[object], end: Sequence[object], definition: IndicatorDefinition,
               *, confidence_level: float = 0.95) -> dict[str, object]:
    """Compute a timeliness indicator from case-level dates with the working-day calendar.

    Parameters
    ----------
    start, end : sequence of dates
        Referral (or commencement) and completion dates of each assessment completed.
    definition : IndicatorDefinition
        A definition with ``threshold_working_days``.
    confidence_level : float, default: ``0.95``

    Returns
    -------
    dict
        ``numerator``, ``denominator``, ``result`` (a Wilson ``ProportionResult``) and
        ``working_days`` (per case).
    """
    if definition.threshold_working_days is None:
        raise ParameterError(f"{definition.indicator} ({definition.version}) is not a timeliness measure")
    if len(start) != len(end) or not len(start):
        raise ParameterError("`start` and `end` must be equal-length, non-empty sequences of dates")
    days = working_days_between(start, end)
    if (days < 0).any():
        bad = int(np.flatnonzero(days < 0)[0])
        raise ParameterError(f"case {bad + 1} ends before it starts ({start[bad]} to {end[bad]})")
    k, n = int((days <= definition.threshold_working_days).sum()), len(days)
    return {"numerator": k, "denominator": n, "working_days": days,
            "result": proportion_ci(k, n, method="wilson", confidence_level=confidence_level)}


def indicator_table(indicators: pd.DataFrame, *, cycle: str, confidence_level: float = 0.95,
                    definitions: dict[tuple[str, str], IndicatorDefinition] | None = None) -> pd.DataFrame:
    """One row per indicator for a cycle: rate with its interval, target and neighbours, change.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The ``indicators`` dataset.
    cycle : str
    confidence_level : float, default: ``0.95``
    definitions : dict or None
        The definitions to read the rows under (:func:`definitions_from` of the folder's
        ``indicator_definitions``); None: the national :data:`DEFINITIONS` alone.

    Returns
    -------
    pandas.DataFrame
        ``indicator``, ``title``, ``version``, ``certainty``, ``numerator``, ``denominator``,
        ``rate``, ``ci_low``, ``ci_high`` (Wilson), ``target``, ``neighbour_average``,
        ``previous_rate`` (with ``previous_numerator`` and ``previous_denominator``), ``higher_is_better``, ``meets_target`` (None without a target),
        ``vs_neighbours`` (``better``, ``worse`` or ``similar``: whether the neighbours'
        average lies outside the interval; ``higher`` or ``lower`` for a context-only measure),
        ``direction``, and the financial year to date (April to the cycle's end) for measures
        that count events: ``ytd_numerator``, ``ytd_denominator`` (None for an end-of-period
        cohort) and ``ytd_rate``. ``rate`` is always the cycle's own quarter.
    """
    first = next(c for c in cycle_range(previous_cycle(cycle, 3), cycle) if financial_year(c) == financial_year(cycle))
    to_date = cycle_range(first, cycle)
    now = indicators[indicators["cycle"] == cycle]
    before = indicators[indicators["cycle"] == previous_cycle(cycle)].set_index("indicator")
    known = DEFINITIONS if definitions is None else definitions
    rows = []
    for _, r in now.sort_values("indicator").iterrows():
        d = known.get((r["indicator"], r["definition_version"]))
        if d is None:
            raise ParameterError(f"no definition {r['indicator']} version {r['definition_version']!r}; "
                                 "expected a national one or one declared in indicator_definitions")
        res = proportion_ci(int(r["numerator"]), int(r["denominator"]), method="wilson",
                            confidence_level=confidence_level) if r["denominator"] else None
        rate = res.statistic if res else float("nan")
        low, high = (res.confidence_interval.low, res.confidence_interval.high) if res else (float("nan"),) * 2
        prev = before.loc[r["indicator"]] if r["indicator"] in before.index else None
        prev_rate = prev["numerator"] / prev["denominator"] if prev is not None and prev["denominator"] else float("nan")
        target, nb = r.get("target"), r.get("neighbour_average")
        meets = None if target is None or pd.isna(target) or d.context_only else bool(
            rate >= target if d.higher_is_better else rate <= target)
        if nb is None or pd.isna(nb) or res is None:
            versus = None
        elif low <= nb <= high:
            versus = "similar"
        elif d.context_only:
            versus = "higher" if nb < low else "lower"
        else:
            versus = "better" if (nb < low) == d.higher_is_better else "worse"
        ytd_k = ytd_n = None
        if d.cumulative:
            year = indicators[(indicators["indicator"] == r["indicator"]) & indicators["cycle"].isin(to_date)]
            ytd_k, ytd_n = int(year["numerator"].sum()), int(year["denominator"].sum())
        rows.append({"indicator": r["indicator"], "title": d.title, "version": d.version, "certainty": d.certainty,
                     "numerator": int(r["numerator"]), "denominator": int(r["denominator"]), "rate": rate,
                     "ci_low": low, "ci_high": high, "target": target, "neighbour_average": nb,
                     "previous_rate": prev_rate, "previous_numerator": None if prev is None else int(prev["numerator"]),
                     "previous_denominator": None if prev is None else int(prev["denominator"]),
                     "higher_is_better": d.higher_is_better, "meets_target": meets,
                     "vs_neighbours": versus, "direction": d.direction, "ytd_numerator": ytd_k,
                     "ytd_denominator": ytd_n, "ytd_rate": ytd_k / ytd_n if ytd_n and ytd_k is not None else float("nan")})
    return pd.DataFrame(rows)
