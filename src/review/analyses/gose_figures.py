"""The GOSE report's published figures: each count with its declared unit, how the counts are
linked, and what a published page withholds (decided here, never in a view).

The links are those a reader can use on the page:

- the tiers of the audit programme add up to the programme's totals (a row "All tiers", and the
  quota in item G03); a tier's Good-or-better counts and files changed by moderation are parts of
  the files it audited;
- categories of abuse add up to the child protection plans started (printed in the numbers table);
- a rate per 10,000 under-18s times the (public) population gives the count at the quarter's end;
- teams' starters and leavers add up to the totals in item G11 and the row "All teams"; a team's
  turnover times its full-time equivalents in post gives its leavers;
- the parts of a partition of an item's measures (``Measure.part_of``: feedback by group, by
  route) add up to their whole, which the item's record measure prints on this page or another
  (item G01: children in need were all who answered less the other groups);
- the row "All tiers" less the random sample is what lies outside it (themed audits, other files),
  on first and on final grades: a themed audit withheld is not all tiers less the random sample;
- each audit group's (G04, G05: one audit type) files moderated are part of its audits, printed in
  its caption; every criterion of a table is answered on the same audits (met + not met + n/a);
  a criterion of the independent chairs' audit types is printed whole by the JAR stocktake, so the
  types' parts add up to a known whole; case-file and supervision criteria the stocktake prints too;
- the random sample's first and final grades are of the same files; the moderation's files lowered
  and raised are part of its pairs;
- every evidence line counting people is ``k`` of ``n``, withheld whole where its own rule says so
  (its band is still shown, marked "small group");
- every other count of an item's evidence stands on its own, with its complement where it is
  printed as ``k of n``.

Tiers are aggregated before anything is withheld (:mod:`review.protection.aggregate`): where a
senior tier (Service Manager, Assistant Director, Director) has a count too small to publish, the
senior tiers are published together. The Assistant Director's and the Director's own figures are
each a single post-holder's own performance, internal only.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection

import pandas as pd

from review.analyses.gose import MODERATED, AuditGroup, GoseResult, ItemResult, Measure
from review.analyses.gose_audits import CriterionCounts, TierResult
from review.analyses.judgement import EvidenceLine
from review.analyses.shown_bands import withheld
from review.protection.aggregate import aggregate
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision, LinkedFigures
from review.protection.units import THINGS, internal_only, is_declared

__all__ = ["ALL", "CASE_FILES", "FRAME", "PAGE", "RANDOM_FINAL", "RANDOM_FIRST", "SENIOR", "all_tiers", "audits_key",
           "count_unit", "criteria_tables", "criterion_key", "decide", "group_table", "indicator_key", "line_key",
           "line_shown", "measure_keys", "measure_shown", "outside_key", "moderated_key", "moderation_key", "pooled_key", "printed_elsewhere",
           "published_tiers", "rate_shown", "register", "tier_figures", "themed_key", "tier_key", "workforce_key"]

PAGE = "gose_performance"
SENIOR = {"SM": "Senior managers", "AD": "Senior managers", "DCS": "Senior managers"}
"""The next level up of each senior tier: published together where one is too small."""

_COLUMNS = ("auditors", "planned", "done", "first_good", "final_good", "changed")
_UNITS = {"auditors": "staff", "planned": "audits", "done": "audits", "first_good": "audits", "final_good": "audits",
          "changed": "audits"}
ALL = "All tiers"


def count_unit(m: Measure) -> str | None:
    """The declared unit of a measure's count (a count without a unit counts children), or None
    for a value (money, FTE, days, a share)."""
    if m.count is None:
        return None
    if m.unit == MODERATED:  # "X of N files moderated": audits of children's files
        return "audits"
    return m.unit or "children"


def published_tiers(result: GoseResult, policy: DisclosurePolicy) -> tuple[TierResult, ...]:
    """The tiers as a published page shows them: the senior tiers together where one of them has a
    count too small to publish (internally, every tier)."""
    tiers = result.audits.tiers if result.audits is not None else ()
    if not policy.suppress:
        return tuple(tiers)
    rows = {t.tier: {c: getattr(t, c) for c in _COLUMNS} for t in tiers}
    merged = aggregate(rows, SENIOR, small=policy.is_small)
    by_tier = {t.tier: t for t in tiers}
    out = []
    for label, counts in merged.items():
        if label in by_tier:
            out.append(by_tier[label])
        else:
            members = [t for t in tiers if SENIOR.get(t.tier) == label]
            c = {k: int(v) for k, v in counts.items()}
            out.append(TierResult(tier=", ".join(t.tier for t in members), name=label, auditors=c["auditors"],
                                  planned=c["planned"], done=c["done"], first_good=c["first_good"],
                                  final_good=c["final_good"], changed=c["changed"]))
    return tuple(out)


def all_tiers(tiers: tuple[TierResult, ...]) -> TierResult:
    """The row "All tiers" of a table of tiers (every count summed)."""
    s = {c: sum(getattr(t, c) for t in tiers) for c in _COLUMNS}
    return TierResult(tier=ALL, name=ALL, auditors=s["auditors"], planned=s["planned"], done=s["done"],
                      first_good=s["first_good"], final_good=s["final_good"], changed=s["changed"])


RANDOM_FINAL = "gose/G03/random sample, final grades"
"""The figure key of the random sample's files Good or better on final grades (``/k``) of its files (``/n``)."""
RANDOM_FIRST = "gose/G03/random sample, first grades"
FRAME = "gose/G03/open cases in the frame"


def themed_key(theme: str) -> str:
    """The figure key of a themed audit's files Good or better on final grades (``/k``) of its files."""
    return f"gose/G03/themed/{theme}"


def moderation_key(column: str) -> str:
    """The figure key of the moderation's ``pairs``, files ``lowered`` below the boundary or ``raised`` above it."""
    return f"gose/G03/moderation/{column}"


def tier_key(tier: str, column: str) -> str:
    """The figure key of a tier's count (``tier`` ``All tiers`` for the totals row)."""
    suffix = "/k" if column in ("first_good", "final_good", "changed") else ""
    return f"gose/tiers/{tier}/{column}{suffix}"


def tier_figures(label: str, keys: Collection[str]) -> tuple[str, str] | None:
    """The keys of the tier row (its files done, its files Good or better on final grades) that
    counts the files of a tier named ``label`` ("Team Manager (TM)", or the code alone), among the
    registered ``keys``: its own row, or the senior tiers' row it is published in; None when no row
    is registered.

    >>> keys = {tier_key("TM", "done"), tier_key("SM, AD, DCS", "done")}
    >>> tier_figures("Team Manager (TM)", keys)
    ('gose/tiers/TM/done', 'gose/tiers/TM/final_good/k')
    >>> tier_figures("Assistant Director (AD)", keys)[0], tier_figures("QA", keys)
    ('gose/tiers/SM, AD, DCS/done', None)
    """
    code = label.rsplit("(", 1)[-1].rstrip(")") if label.endswith(")") else label
    for key in sorted(keys):
        parts = key.split("/")
        if len(parts) == 4 and parts[:2] == ["gose", "tiers"] and parts[3] == "done" and parts[2] != ALL \
                and code in parts[2].split(", "):
            return key, tier_key(parts[2], "final_good")
    return None


def workforce_key(service: str, column: str) -> str:
    """The figure key of a team's starters, leavers or turnover (``service`` ``All teams`` for the totals)."""
    return f"gose/workforce/{service}/{column}"


def measure_keys(item: str, m: Measure) -> str:
    """The figure key of a measure's count (of its ``k`` when it is ``k of n``)."""
    shared = {("G11", "Starters"): workforce_key("All teams", "starters"),
              ("G11", "Leavers"): workforce_key("All teams", "leavers"),
              ("G11", "Turnover (leavers per FTE in post)"): workforce_key("All teams", "turnover")}
    if (item, m.label) in shared:
        return shared[(item, m.label)]
    return f"gose/{item}/{m.label}" + ("/k" if m.of is not None else "")


def register(result: GoseResult, policy: DisclosurePolicy) -> LinkedFigures:
    """Every count the GOSE page prints, with its unit and links (see the module's description)."""
    reg = LinkedFigures(policy)
    _tiers(reg, result, policy)
    _programme(reg, result, policy)
    _criteria(reg, result, policy)
    _lines(reg, result, policy)
    _indicators(reg, result, policy)
    _numbers(reg, result)
    _workforce(reg, result)
    _measures(reg, result, policy)
    return reg


_DECIDED: dict[tuple[int, DisclosurePolicy], tuple[weakref.ref, Decision]] = {}


def decide(result: GoseResult, policy: DisclosurePolicy) -> Decision:
    """What the GOSE page may print (:meth:`~review.protection.linked.LinkedFigures.solve`): one
    decision per result and policy, however many sections of the page ask."""
    key = (id(result), policy)
    known = _DECIDED.get(key)
    if known is not None and known[0]() is result:
        return known[1]
    decision = register(result, policy).solve()
    try:
        ref = weakref.ref(result)
    except TypeError:  # a result that cannot be referred to weakly: decided each time
        return decision
    for stale in [k for k, (r, _) in _DECIDED.items() if r() is None]:
        del _DECIDED[stale]
    _DECIDED[key] = (ref, decision)
    return decision


def _tiers(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    tiers = published_tiers(result, policy)
    if not tiers:
        return
    totals = all_tiers(tiers)
    for t in (*tiers, totals):
        name = f"{t.name} ({t.tier})" if t.tier != ALL else ALL
        for c in ("auditors", "planned", "done"):
            reg.add(tier_key(t.tier, c), getattr(t, c), _UNITS[c], page=PAGE, label=f"audit programme, {name}: {c}")
        for c in ("first_good", "final_good", "changed"):
            reg.rate(tier_key(t.tier, c)[:-2], getattr(t, c), t.done, "audits", page=PAGE,
                     label=f"audit programme, {name}: {c.replace('_', ' ')}", n_key=tier_key(t.tier, "done"))
    for c in _COLUMNS:
        reg.total(tier_key(ALL, c), [tier_key(t.tier, c) for t in tiers], name=f"tiers add up to all tiers: {c}")
    if policy.suppress:
        for t in tiers:
            if t.auditors == 1:  # one auditor: a single post-holder's own performance, internal only
                for c in _COLUMNS:
                    reg.withhold(tier_key(t.tier, c), "a single post-holder's own performance")


def _programme(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """The case-file programme's headline: the random sample's first and final grades (the same
    files), the open cases it was drawn from, themed audits, and the moderation's counts."""
    a = result.audits
    if a is None:
        return
    if a.frame_size:
        reg.add(FRAME, a.frame_size, "children", page=PAGE, label="open cases in the sampling frame")
    f, first = a.random_final, a.random_first
    if f is not None:
        k_key, n_key = reg.rate(RANDOM_FINAL, f.k, f.n, "audits", page=PAGE,
                                label="randomly sampled case files Good or better (final grades)")
        if policy.withhold(of=f.n):
            reg.withhold(k_key, f"a share of a group smaller than {policy.min_group}")
        if first is not None:
            same = first.n == f.n
            fk, _ = reg.rate(RANDOM_FIRST, first.k, first.n, "audits", page=PAGE,
                             label="randomly sampled case files Good or better (first grades)",
                             n_key=n_key if same else None)
            if policy.withhold(of=first.n):
                reg.withhold(fk, f"a share of a group smaller than {policy.min_group}")
    for theme, k, n in a.themed:
        tk, _ = reg.rate(themed_key(theme), k, n, "audits", page=PAGE, label=f"themed audits, {theme}: Good or better")
        if policy.withhold(of=n):
            reg.withhold(tk, f"a share of a group smaller than {policy.min_group}")
    _selections(reg, result, policy)
    m = a.moderation
    if m is not None:
        pairs = reg.add(moderation_key("pairs"), m.n_pairs, "audits", page=PAGE, label="moderated pairs")
        for column, value in (("lowered", m.lowered_below), ("raised", m.raised_above)):
            reg.add(moderation_key(column), value, "audits", page=PAGE, label=f"moderation: files {column}")
        rest = reg.add(moderation_key("rest"), m.n_pairs - m.lowered_below - m.raised_above, "audits", page=PAGE,
                       label="moderation: pairs on the same side of the boundary", printed=False)
        reg.total(pairs, [moderation_key("lowered"), moderation_key("raised"), rest],
                  name="moderated pairs: lowered, raised and the rest")


def outside_key(grades: str) -> str:
    """The figure key of the files audited outside the random sample (themed, targeted, or audited
    by a tier outside the programme's), as the tiers' totals less the random sample give them
    (``grades``: ``first`` or ``final``): implicit, never printed."""
    return f"gose/G03/outside the random sample, {grades} grades"


def _balance(reg: LinkedFigures, whole: str, parts: list[str], key: str, *, label: str, name: str) -> None:
    """``whole`` and the sum of ``parts`` count mostly the same files: link them through their
    difference (an implicit figure ``key``, added to whichever side is smaller), which is what a
    reader gets by subtracting one printed figure from the other."""
    diff = reg.figures[whole].value - sum(reg.figures[p].value for p in parts)
    reg.add(key, abs(diff), "audits", page=PAGE, label=label, printed=False)
    if diff >= 0:
        reg.total(whole, [*parts, key], name=name)
    else:
        both = reg.add(f"{key}/sum", sum(reg.figures[p].value for p in parts), "audits", page=PAGE,
                       label=f"{label} (the parts together)", printed=False)
        reg.total(both, parts, name=name)
        reg.total(both, [whole, key], name=name)


def _selections(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """The row "All tiers" counts the files the programme's tiers audited; the random sample and the
    themed audits split (mostly) the same files by how they were chosen. A reader subtracts: "46 of
    97" in the random sample and "51 of 105" in all tiers leave 5 of 8 files outside it, the themed
    audits' own figures. Each column (files, Good or better on first and on final grades, and the
    rest of the files) is linked through what lies outside the random sample (implicit figures, each
    protected where it is a small count of audits): on final grades, the themed audits and any other
    files; on first grades, a whole that no page prints the parts of."""
    a = result.audits
    tiers = published_tiers(result, policy)
    if a is None or not tiers or a.random_final is None or RANDOM_FINAL + "/k" not in reg.figures:
        return
    themed = [themed_key(t) for t, _, _ in a.themed]
    for grades, base, column in (("final", RANDOM_FINAL, "final_good"), ("first", RANDOM_FIRST, "first_good")):
        if base + "/k" not in reg.figures:
            continue
        rest = tier_key(ALL, column)[:-2] + "/rest"
        out = outside_key(grades)
        for suffix, whole, part in (("k", tier_key(ALL, column), base + "/k"), ("rest", rest, base + "/rest")):
            words = {"k": "Good or better", "rest": "below Good"}[suffix]
            _balance(reg, whole, [part], f"{out}/{suffix}", label=f"files outside the random sample, {words} "
                     f"({grades} grades)", name=f"all tiers = the random sample + the files outside it ({grades} "
                     f"grades, {words})")
            if grades == "final" and themed:
                _balance(reg, f"{out}/{suffix}", [f"{t}/{suffix}" for t in themed], f"{out}/{suffix}/other",
                         label=f"files neither random nor themed, {words} (final grades)",
                         name=f"outside the random sample = the themed audits + other files ({words})")
        if grades == "final":
            _balance(reg, tier_key(ALL, "done"), [RANDOM_FINAL + "/n"], f"{out}/n", label="files outside the random sample",
                     name="all tiers' files = the random sample + the files outside it")
            if themed:
                _balance(reg, f"{out}/n", [f"{t}/n" for t in themed], f"{out}/n/other",
                         label="files neither random nor themed",
                         name="outside the random sample = the themed audits + other files (files)")


CASE_FILES = "gose_criteria"
"""The id of the case-file criteria table (G03); each audit group's table is :func:`group_table`."""


def group_table(g: AuditGroup) -> str:
    """The id of an audit group's criteria table: ``gose_`` and its item and audit type.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> group_table(SimpleNamespace(item="G05", audit_type="CP conference"))
    'gose_g05_cp_conference'
    """
    return "gose_" + re.sub(r"[^a-z0-9]+", "_", f"{g.item} {g.audit_type}".lower()).strip("_")


def printed_elsewhere(table: str, result: GoseResult) -> bool:
    """Whether the JAR stocktake prints a table's rows by the same rule: case-file criteria and the
    supervision groups (G04); the independent chairs' groups (G05) it prints as a whole
    (:func:`_chairs_across_pages`)."""
    return table == CASE_FILES or any(g.item == "G04" and group_table(g) == table for g in result.groups)


def criteria_tables(result: GoseResult) -> dict[str, tuple[CriterionCounts, ...]]:
    """Each table of audit criteria by its id: the case files (G03), then each audit group (G04, G05)."""
    tables = {CASE_FILES: result.audits.criteria if result.audits is not None else ()}
    for g in result.groups:
        tables[group_table(g)] = g.criteria
    return tables


def criterion_key(table: str, label: str, column: str) -> str:
    """The figure key of a criterion's ``met`` (its Yes, of Yes and No) or ``n/a`` count."""
    return f"gose/{table}/{label}/" + ("k" if column == "met" else column)


def audits_key(table: str) -> str:
    """The figure key of a table's audits (an audit group's, printed in its caption)."""
    return f"gose/{table}/audits"


def moderated_key(g: AuditGroup) -> str:
    """The figure key of an audit group's files moderated (``k`` of its audits): the same figure as
    the item's measure "<label>: final grades" (:func:`measure_keys`)."""
    return f"gose/{g.item}/{g.label}: final grades/k"


def pooled_key(table: str) -> str:
    """The figure key of the audits an audit group's answers pooled together come from."""
    return f"gose/{table}/pooled audits"


def _groups(reg: LinkedFigures, result: GoseResult) -> dict[str, str]:
    """Each audit group's audits and files moderated (its caption, and the item's measure), and the
    audits its pooled answers come from. Returns the audits' key by value per table."""
    known: dict[str, str] = {}
    for g in result.groups:
        if not g.audits:
            continue
        table = group_table(g)
        total = reg.add(audits_key(table), g.audits, "audits", page=PAGE, label=f"{g.label} ({g.item}): audits")
        known[table] = total
        reg.rate(moderated_key(g)[:-2], g.moderated, g.audits, "audits", page=PAGE,
                 label=f"{g.label} ({g.item}): files moderated", n_key=total)
        if g.pooled is not None:
            if g.pooled.n_audits == g.audits:
                continue
            reg.add(pooled_key(table), g.pooled.n_audits, "audits", page=PAGE,
                    label=f"{g.label} ({g.item}): audits with an applicable answer")
    return known


def _criteria(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """Each criterion's Yes of (Yes + No), and its n/a: every criterion of a table is answered on
    the same audits, so (Yes + No) + n/a is the same for all of them (an unprinted total that any
    fully printed row gives away; the audit group's audits where its caption prints them).

    A criterion's rate that its own rule lets through may be printed on another page of the cycle
    (the JAR stocktake's audit lines print the case-file and supervision criteria), so it is
    registered as known there (``public``): it is never withheld here to protect an n/a, which is
    protected by the other n/a counts instead."""
    audits = _groups(reg, result)
    for table, counts in criteria_tables(result).items():
        if not counts:
            continue
        for c in counts:
            label = f"{table}: {c.label}"
            elsewhere = printed_elsewhere(table, result) and policy.withhold(c.yes, of=c.yes + c.no) is None
            k_key, n_key = reg.rate(criterion_key(table, c.label, "met")[:-2], c.yes, c.yes + c.no, "audits",
                                    page=PAGE, label=label, public=elsewhere)
            if policy.withhold(of=c.yes + c.no):
                reg.withhold(k_key, f"a share of a group smaller than {policy.min_group}")
                reg.withhold(n_key, f"a share of a group smaller than {policy.min_group}")
            na = reg.add(criterion_key(table, c.label, "n/a"), c.not_applicable, "audits", page=PAGE,
                         label=f"{label}: not applicable")
            answered = c.yes + c.no + c.not_applicable
            printed = table in audits and reg.figures[audits[table]].value == answered
            total = audits[table] if printed else reg.add(
                f"gose/{table}/answered {answered}", answered, "audits", page=PAGE,
                label=f"{table}: audits answered ({answered})", printed=False)
            reg.total(total, [n_key, na], name=f"{table}: answered = applied + not applicable")
    _chairs_across_pages(reg, result, policy)


def _chairs_across_pages(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """The independent chairs' audits (G05) are shown here an audit type apart (conferences,
    reviews); the JAR stocktake prints a criterion's audits of every type together, where its own
    rule lets it. Registered as known (the stocktake may print it), the whole links the parts: one
    part withheld alone would be the whole less the others."""
    by_label: dict[str, list[tuple[str, CriterionCounts]]] = {}
    for g in result.groups:
        if g.item == "G05":
            for c in g.criteria:
                by_label.setdefault(c.label, []).append((group_table(g), c))
    for label, parts in by_label.items():
        if len(parts) < 2:
            continue
        k, n = sum(c.yes for _, c in parts), sum(c.yes + c.no for _, c in parts)
        if policy.withhold(k, of=n) is not None:
            continue  # the stocktake withholds it too
        key = f"cycle/chairs' audits/{label}"
        k_key, n_key = reg.rate(key, k, n, "audits", page="jar_haringey", label=f"independent chairs' audits: {label}",
                                public=True)
        keys = [criterion_key(t, label, "met") for t, _ in parts]
        reg.total(k_key, keys, name=f"chairs' audits of every type add up (another page): {label}")
        reg.total(n_key, [p[:-2] + "/n" for p in keys],
                  name=f"chairs' audits of every type add up (another page): {label}, the group")


def line_key(item: str, index: int, line: EvidenceLine) -> str:
    """The figure key of an item's evidence line (its ``index`` among the item's lines)."""
    return f"gose/{item}/line {index}/{line.kind}: {line.source}"


def line_shown(decision: Decision, item: str, index: int, line: EvidenceLine) -> bool:
    """Whether the page may print an evidence line's level (its count and its group)."""
    key = line_key(item, index, line)
    return decision.shown(f"{key}/k") and decision.shown(f"{key}/n")


def _lines(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """Every evidence line that counts people, as ``k`` of ``n``; one its own rule withholds (a
    small count or group; a single post-holder's own figures, internal only) is withheld whole, by
    the one rule for a line's level (:func:`review.analyses.shown_bands.withheld`)."""
    for i in result.items:
        for index, ln in enumerate(i.lines):
            if ln.forced_band or not ln.n or not ln.counts_people:
                continue
            key = line_key(i.item, index, ln)
            unit = ln.unit if is_declared(ln.unit) else "children"
            k_key, n_key = reg.rate(key, ln.k, ln.n, unit, page=PAGE, label=f"{i.item} {ln.kind}: {ln.source}")
            f = result.audits.random_final if i.item == "G03" and result.audits is not None else None
            if f is not None and (ln.k, ln.n) == (f.k, f.n) and RANDOM_FINAL + "/k" in reg.figures:
                reg.total(k_key, [RANDOM_FINAL + "/k"], name="G03: the random sample's line is its headline")
                reg.total(n_key, [RANDOM_FINAL + "/n"], name="G03: the random sample's line is its headline (files)")
            if withheld(ln, policy):
                reason = ("a single post-holder's own performance" if internal_only(ln.unit) else
                          "withheld by its own rule (a small count or a small group)")
                reg.withhold(k_key, reason)
                reg.withhold(n_key, reason)


def indicator_key(indicator: str, column: str) -> str:
    """The figure key of an indicator's ``quarter`` or ``year to date`` count (``k``)."""
    return f"gose/indicators/{indicator}/{column}/k"


def _indicators(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """An indicator's quarter and its financial year to date. The year to date is this quarter plus
    the year to date that last cycle's page printed (where its rule let it), or this quarter alone
    in a year's first quarter: either way this quarter's count would be their difference."""
    t = result.indicators
    if t is None or t.empty:
        return
    for r in t.itertuples():
        label = f"{r.indicator}"
        k_key, n_key = reg.rate(indicator_key(r.indicator, "quarter")[:-2], int(r.numerator), int(r.denominator),
                                "children", page=PAGE, label=f"{label}: this quarter")
        if policy.withhold(of=int(r.denominator)):
            reg.withhold(k_key, f"a share of a group smaller than {policy.min_group}")
        before = getattr(r, "previous_denominator", None)
        if before is not None and not pd.isna(before):  # last quarter, as last cycle's page printed it by its rule
            last_k, last_n = int(r.previous_numerator), int(before)
            known = policy.withhold(last_k, of=last_n) is None
            lk, _ = reg.rate(indicator_key(r.indicator, "last quarter")[:-2], last_k, last_n, "children", page=PAGE,
                             label=f"{label}: last quarter", public=known)
            if not known:
                reg.withhold(lk, "withheld by its own rule (a small count or a small group)")
        if r.ytd_denominator is None or pd.isna(r.ytd_denominator):
            continue
        yk, yn = int(r.ytd_numerator), int(r.ytd_denominator)
        ytd_k, ytd_n = reg.rate(indicator_key(r.indicator, "year to date")[:-2], yk, yn, "children", page=PAGE,
                                label=f"{label}: year to date")
        before_k, before_n = yk - int(r.numerator), yn - int(r.denominator)
        if before_n == 0:  # the year's first quarter: the year to date is this quarter
            parts_k, parts_n = [k_key], [n_key]
        else:  # last cycle's page printed its year to date where its rule let it
            known = policy.withhold(before_k, of=before_n) is None
            pk, pn = reg.rate(f"gose/indicators/{r.indicator}/year to date last cycle", before_k, before_n,
                              "children", page="last quarter's report", label=f"{label}: last quarter's year to date",
                              public=known, printed=known)
            parts_k, parts_n = [k_key, pk], [n_key, pn]
        reg.total(ytd_k, parts_k, name=f"{label}: year to date = this quarter + the year to date before")
        reg.total(ytd_n, parts_n, name=f"{label}: year to date = this quarter + the year to date before (groups)")


def _numbers(reg: LinkedFigures, result: GoseResult) -> None:
    for r in result.numbers.itertuples():
        for c in ("at_end", "starts", "ends"):
            reg.add(f"gose/numbers/{r.group}/{c}", int(getattr(r, c)), "children", page=PAGE,
                    label=f"{r.group}: {c.replace('_', ' ')}")
        if r.population_under_18:
            pop = reg.add(f"gose/numbers/{r.group}/population", float(r.population_under_18) / 10_000, "FTE",
                          page=PAGE, label="under-18 population (tens of thousands, public)", public=True)
            rate = reg.add(f"gose/numbers/{r.group}/rate", float(r.rate_per_10000), "rate", page=PAGE,
                           label=f"{r.group}: rate per 10,000 under-18s")
            reg.ratio(f"gose/numbers/{r.group}/at_end", pop, rate, name=f"{r.group}: rate per 10,000 x population",
                      halfwidth=0.05)
    c = result.categories
    if c.empty:
        return
    parts = [reg.add(f"gose/categories/{r.category}", int(r.plans_started), "children", page=PAGE,
                     label=f"plans started: {r.category}") for r in c.itertuples()]
    total = int(c["plans_started"].sum())
    started = {r.group: int(r.starts) for r in result.numbers.itertuples()}
    key = "gose/numbers/CP/starts" if started.get("CP") == total else "gose/categories/total"
    reg.add(key, total, "children", page=PAGE, label="child protection plans started")
    reg.total(key, parts, name="categories of abuse add up to the plans started")


def _workforce(reg: LinkedFigures, result: GoseResult) -> None:
    t = result.workforce
    if t.empty:
        return
    for r in t.itertuples():
        for c in ("starters", "leavers"):
            reg.add(workforce_key(r.service, c), int(getattr(r, c)), "staff", page=PAGE, label=f"{r.service}: {c}")
        post = reg.add(workforce_key(r.service, "in post"), float(r.in_post_fte), "FTE", page=PAGE,
                       label=f"{r.service}: FTE in post (establishment less vacancies, both printed)", public=True)
        turnover = reg.add(workforce_key(r.service, "turnover"), float(r.turnover), "share", page=PAGE,
                           label=f"{r.service}: turnover")
        reg.ratio(workforce_key(r.service, "leavers"), post, turnover, name=f"{r.service}: turnover x FTE in post",
                  halfwidth=0.0005)
    for c in ("starters", "leavers"):
        reg.add(workforce_key("All teams", c), int(t[c].sum()), "staff", page=PAGE, label=f"all teams: {c}")
        reg.total(workforce_key("All teams", c), [workforce_key(s, c) for s in t["service"]],
                  name=f"teams add up to all teams: {c}")
    post = reg.add(workforce_key("All teams", "in post"), float(t["in_post_fte"].sum()), "FTE", page=PAGE,
                   label="all teams: FTE in post", public=True)
    turnover = reg.add(workforce_key("All teams", "turnover"), float(t["leavers"].sum() / t["in_post_fte"].sum()),
                       "share", page=PAGE, label="all teams: turnover")
    reg.ratio(workforce_key("All teams", "leavers"), post, turnover, name="all teams: turnover x FTE in post",
              halfwidth=0.0005)


def rate_shown(decision: Decision, base: str) -> bool:
    """Whether the page may print the rate registered as ``base`` ('k of n': both ``base/k`` and
    ``base/n``; the solver may withhold either to protect the rest of the group).

    >>> from review.protection.linked import Withheld
    >>> rate_shown(Decision({"t/n": Withheld("t/n", PAGE, "", "secondary")}), "t"), rate_shown(Decision({}), "t")
    (False, True)
    """
    return decision.shown(f"{base}/k") and decision.shown(f"{base}/n")


def measure_shown(decision: Decision, item: str, m: Measure) -> bool:
    """Whether the page may print a measure's count (for ``k of n``, both: the solver may withhold
    either to protect the rest of the group).

    >>> from review.protection.linked import Withheld
    >>> m = Measure("CIN: positive", 28, 33, unit="responses", part_of="group")
    >>> d = Decision({"gose/G01/CIN: positive/n": Withheld("gose/G01/CIN: positive/n", PAGE, "", "secondary")})
    >>> measure_shown(d, "G01", m), measure_shown(Decision({}), "G01", m)
    (False, True)
    """
    key = measure_keys(item, m)
    return rate_shown(decision, key[:-2]) if m.of is not None and key.endswith("/k") else decision.shown(key)


def _measures(reg: LinkedFigures, result: GoseResult, policy: DisclosurePolicy) -> None:
    """Every count of the items' evidence; the parts of a partition (``Measure.part_of``) linked to
    their whole (:func:`_partitions`)."""
    for i in result.items:
        for m in i.measures:
            unit = count_unit(m)
            if unit is None:
                continue  # a value: money, FTE, days, a share (G11's turnover is registered with the teams)
            key = measure_keys(i.item, m)
            if key in reg.figures:
                continue
            label = f"{i.item}: {m.label}"
            if m.of is None:
                reg.add(key, m.count or 0, unit, page=PAGE, label=label)
                continue
            k_key, n_key = reg.rate(key[:-2], int(m.count or 0), int(m.of), unit, page=PAGE, label=label)
            column = {"Quota audits done": "planned"}.get(m.label, "done" if m.unit == MODERATED else "")
            shared = tier_key(ALL, column)
            if i.item == "G03" and column and shared in reg.figures and reg.figures[shared].value == m.of:
                reg.total(shared, [n_key], name=f"{label}: its group is the tiers' total ({column})")
            if unit not in THINGS and policy.withhold(of=m.of):
                reg.withhold(k_key, f"a share of a group smaller than {policy.min_group}")
        _partitions(reg, i, policy)


def _partitions(reg: LinkedFigures, item: ItemResult, policy: DisclosurePolicy) -> None:
    """The parts of each partition of an item's measures (feedback by group, by route) add up to
    their whole, as ``k``, ``n`` and the rest. The whole is the count the item's record measure
    prints (on this page, or on another page of the cycle that reads the same dataset: the LSCB
    checklist's feedback from children and families), so it is registered as known to every reader
    wherever its own rule lets it be printed, and never withheld here: a withheld part takes
    another part with it, never the whole."""
    parts: dict[str, list[Measure]] = {}
    for m in item.measures:
        if m.part_of and m.of is not None and count_unit(m) is not None:
            parts.setdefault(m.part_of, []).append(m)
    for name, ms in parts.items():
        if len(ms) < 2:
            continue
        k, n = sum(m.count or 0 for m in ms), sum(m.of or 0 for m in ms)
        unit = count_unit(ms[0]) or "children"
        known = policy.withhold(k, of=n) is None
        base = f"gose/{item.item}/all parts: {k} of {n}"  # the same whole for every partition of it
        whole_k = reg.add(f"{base}/k", k, unit, page=PAGE, label=f"{item.item}: every {name} together",
                          public=known, printed=known)
        whole_n = reg.add(f"{base}/n", n, unit, page=PAGE, label=f"{item.item}: every {name} together (the group)",
                          public=known, printed=known)
        keys = [measure_keys(item.item, m)[:-2] for m in ms]
        reg.total(whole_k, [f"{p}/k" for p in keys], name=f"{item.item}: each {name} adds up to the whole")
        reg.total(whole_n, [f"{p}/n" for p in keys],
                  name=f"{item.item}: each {name} adds up to the whole (the group)")
