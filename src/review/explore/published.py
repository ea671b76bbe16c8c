"""What an explorer's published view may show: every figure of a quarter decided at once, in one registry.

A published view must show what a published report shows, and nothing that can be worked out by
setting the filters one way and then another: a total of 31 with one quarter withheld and the
others 10, 8 and 11 gives the withheld quarter away. So the published view works as a report
does:

- its filters are the report's basis (:attr:`review.explore.lenses.Lens.defaults`) and cannot be
  changed; only the quarter and the breakdown ("by team", "by tier") are chosen;
- every figure any published breakdown of a quarter can show (each group's size and count, the
  quarter's total) is registered with its declared unit and its links (each breakdown adds up to
  the quarter's total; each count has the rest of its group as an implicit figure) in one
  :class:`review.protection.linked.LinkedFigures`, the registry the reports use, and the registry
  decides once, for all of them, what is withheld (primary and secondary suppression, audited as
  an attacker would);
- the quarter-by-quarter table shows each quarter's total from that quarter's decision, and no
  total across quarters is shown.

Where a row is not what is protected (the JAR lens's rows are answers to criteria, several on
each child's case file), the lens names the record each row belongs to (:attr:`Lens.people`): each
group's number of case files (unit ``files``) is registered too, never printed, and given back by
the group's answers (a link of kind ``reveals``: 28 answers are 4 files of 7 criteria). The
small-group tests count files: a group of 1 to 5 files has its answers withheld (and so does any
group whose answers would give them back by subtraction), and a group of fewer than ``min_group``
files has its count met withheld (its share would be the share of a small group).

Given the registry the same quarter's published page decided on (``page``), the explorer's
figures join it: what the page prints is known and stays; what it withholds stays withheld; the
explorer's total on the report's basis is the page's figure (:attr:`Lens.page_total`), and a view
whose groups are parts of the page's rows (the random sample's files of a tier, within the page's
tier row of every file: :attr:`Lens.page_parts`) is linked through what lies outside them. The
one registry is solved again, so the explorer never shows what the page withheld, nor a figure
that gives a small count back against the page. Only the page's figures linked to the explorer's,
directly or through others, are solved with them: a figure of the page that no link reaches from
an explorer figure cannot change what the explorer may show (the decision falls apart into linked
groups), and leaving the rest of the page out keeps a joined quarter to about a second.

Whatever an analyst chooses, every figure shown comes from the same decision, so no combination
of views gives back a withheld count. A rate is shown only with both its count and its group, and
only for a group of at least ``min_group``. Counts of things (agencies' ratings, actions) are not
protected and are shown as they are, as in the reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from review.explore.lenses import Lens, published_views
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision, Figure, LinkedFigures
from review.protection.units import protected

__all__ = ["FILES", "QuarterFigures", "audience_policies", "group_unit", "quarter_figures"]

PAGE = "explorer"
FILES = "files"
"""The declared unit of a group's records when its rows are answers (:attr:`Lens.people`)."""


def audience_policies(policy: DisclosurePolicy) -> dict[str, DisclosurePolicy]:
    """The notebook's policy for each audience an explorer toggles between (its thresholds kept).

    Examples
    --------
    >>> p = audience_policies(DisclosurePolicy(high=3, min_group=20))
    >>> p["internal"].suppress, p["published"].suppress, p["internal"].high, p["internal"].min_group
    (False, True, 3, 20)
    """
    return {audience: dataclasses.replace(policy, audience=audience) for audience in ("internal", "published")}


def group_unit(lens: Lens, rows: pd.DataFrame) -> str:
    """The unit of a group's count: the lens's, or, when rows name their own, the protected one if any.

    Examples
    --------
    >>> from review.explore.lenses import LENSES
    >>> group_unit(LENSES["cycle_summary"], pd.DataFrame({"unit": ["actions", "remedial actions"]}))
    'remedial actions'
    >>> group_unit(LENSES["cycle_summary"], pd.DataFrame({"unit": ["actions"]}))
    'actions'
    """
    if lens.unit != "column":
        return lens.unit
    units = sorted(set(rows["unit"])) if "unit" in rows and len(rows) else ["actions"]
    return next((u for u in units if protected(u)), units[0])


@dataclass(frozen=True)
class QuarterFigures:
    """The published decision over every figure of one quarter's breakdowns.

    Attributes
    ----------
    decision : Decision
    keys : mapping of (view, group, part) to str
        The registry key of each figure: part ``"n"`` (the group's size) or ``"k"`` (its count);
        the quarter's total has view ``""`` and group ``""``.
    """

    decision: Decision
    keys: Mapping[tuple[str, str, str], str]

    def shown(self, view: str, group: str, part: str) -> bool:
        """Whether a figure may be printed (an unregistered figure never is)."""
        key = self.keys.get((view, group, part))
        return key is not None and self.decision.shown(key)


def _small(reg: LinkedFigures, value: int, unit: str) -> bool:
    return reg.primary(Figure("check", float(value), unit, PAGE))


def quarter_figures(lens: Lens, rows: pd.DataFrame, policy: DisclosurePolicy,
                    page: Mapping[str, object] | None = None) -> QuarterFigures:
    """Register every figure the published breakdowns of one quarter can show, and decide.

    Parameters
    ----------
    lens : Lens
    rows : pandas.DataFrame
        The quarter's rows on the report's basis (the lens's default filters applied).
    policy : DisclosurePolicy
        The published policy.
    page : mapping, optional
        The registry the same quarter's published page decided on (:attr:`Decision.registry`).
        The explorer's figures join it (its total is the page's :attr:`Lens.page_total`), what the
        page withholds stays withheld, and the one registry is solved again: the explorer never
        shows a figure the page withheld, nor one that gives it back.

    Returns
    -------
    QuarterFigures

    Examples
    --------
    Three teams' audits, one team with 3 (a count of 1 to 5): withholding it alone would let it be
    read as the total less the others, so a second team is withheld with it.

    >>> from review.explore.lenses import LENSES
    >>> rows = pd.DataFrame({"team": ["A"] * 3 + ["B"] * 20 + ["C"] * 30, "met": [1.0] * 53,
    ...                      "auditor_tier": ["TM"] * 53, "case_type": ["CP"] * 53, "final_grade": ["Good"] * 53})
    >>> q = quarter_figures(LENSES["gose_performance"], rows, DisclosurePolicy())
    >>> q.shown("by team", "A", "n"), q.shown("by team", "B", "n"), q.shown("", "", "n")
    (False, False, True)
    """
    reg = LinkedFigures.from_records([page], policy) if page else LinkedFigures(policy)
    kept = {str(k) for k in page.get("withheld", ())} if page else set()  # type: ignore[attr-defined]
    # what the page prints is printed: known to every reader, and no longer the explorer's to withhold
    reg.public |= {k for k, f in reg.figures.items() if f.printed and k not in kept}
    keys: dict[tuple[str, str, str], str] = {}
    rated = lens.measure == "rate"
    total_unit = group_unit(lens, rows)
    n_total = int(rows["met"].count()) if rated else len(rows)
    k_total = int(rows["met"].sum()) if rated else 0
    files_total = _files(lens, rows)
    # The quarter's total on the report's basis is the report's own headline: printed, so known.
    # It is kept public (never withheld) unless it or the rest of it is itself a small count, or
    # the explorer is joined to a page whose figures its groups add up to (the action plan's files
    # graded Inadequate): no page prints the actions raised in a quarter, and where they are all
    # remedial actions the total is the group a page's withheld count is worked out from.
    public = not (_small(reg, n_total, total_unit) or (rated and (
        _small(reg, k_total, total_unit) or _small(reg, n_total - k_total, total_unit)))
        or (files_total is not None and _small(reg, files_total, FILES))
        or bool(lens.page_total and {f"{lens.page_total}/k", f"{lens.page_total}/n"} & kept)
        or bool(page and (lens.page_sums or lens.page_same)))
    keys[("", "", "n")] = reg.add("total/n", n_total, total_unit, page=PAGE, label="the selection", public=public)
    if rated:  # the count, its group (added above) and the rest of the group, linked as the groups' rates are
        keys[("", "", "k")], _ = reg.rate("total", k_total, n_total, total_unit, page=PAGE, label="the selection",
                                          n_key=keys[("", "", "n")], public=public)
    if files_total is not None:  # known with the selection (the report prints its audits), else not at all
        reg.add("total/files", files_total, FILES, page=PAGE, label="the selection's case files", public=public,
                printed=public)
        reg.reveals("total/n", ["total/files"], name="the selection's answers give its case files")
    if page and lens.page_total:
        _join_page(reg, keys, lens.page_total, ("n", "k") if rated else ("n",))
    for view in published_views(lens):
        if view.startswith("by "):
            _breakdown(reg, keys, lens, rows, view, policy, files_total)
            if page and view in lens.page_parts:
                _page_parts(reg, keys, view, lens.page_parts[view], rated)
    for outer, inner in lens.nested.items():
        _nested(reg, keys, rows, outer, inner, rated)
    for first, second in lens.crossed:
        _crossed(reg, keys, lens, rows, first, second, rated)
    if page and lens.page_sums:
        _page_sums(reg, keys, lens.page_sums)
    if page:
        for view, parts_of in lens.page_same.items():
            _page_same(reg, keys, rows, view, parts_of, rated, kept)
    return QuarterFigures((_explorer_part(reg) if page else reg).solve(keep=kept), keys)


def _explorer_part(reg: LinkedFigures) -> LinkedFigures:
    """The part of a joined registry linked to the explorer's figures, directly or through others."""
    return reg.linked_part([k for k, f in reg.figures.items() if f.page == PAGE])


def _page_parts(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str], view: str,
                whole_of: Callable[[str, Collection[str]], tuple[str, str] | None], rated: bool) -> None:
    """Each page figure that the view's groups are parts of (a tier row of every file; the
    explorer's tier groups of the random sample's files) is those groups plus what lies outside
    them: an implicit figure (the files, the count, and the rest), protected where it is small,
    which a reader gets by subtracting one printed figure from the other."""
    wholes: dict[tuple[str, str], list[str]] = {}
    for (v, group, part) in keys:
        if v == view and part == "n":
            pair = whole_of(group, reg.figures.keys())
            if pair is not None and pair[0] in reg.figures:
                wholes.setdefault(pair, []).append(group)
    for (n_whole, k_whole), groups in wholes.items():
        parts = {"n": [keys[(view, g, "n")] for g in groups]}
        if rated and k_whole in reg.figures:
            parts["k"] = [keys[(view, g, "k")] for g in groups]
        value = {p: reg.figures[w].value - sum(reg.figures[k].value for k in parts[p])
                 for p, w in (("n", n_whole), ("k", k_whole)) if p in parts}
        if min(value.values()) < 0:
            continue  # not a part of the page's figure: nothing to subtract
        base = f"{n_whole} outside the explorer's {view}"
        for p, whole in (("n", n_whole), ("k", k_whole)):
            if p in parts:
                reg.add(f"{base}/{p}", value[p], reg.figures[whole].unit, page=PAGE,
                        label=f"{whole} less the explorer's groups ({p})", printed=False)
                reg.total(whole, [*parts[p], f"{base}/{p}"], name=f"the page's {whole} = the explorer's groups + the rest")
        if "k" in parts:
            reg.add(f"{base}/rest", value["n"] - value["k"], reg.figures[n_whole].unit, page=PAGE,
                    label=f"{n_whole} less the explorer's groups (the rest)", printed=False)
            reg.total(f"{base}/n", [f"{base}/k", f"{base}/rest"], name=f"outside the explorer's {view}: count and rest")


def _nested(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str], rows: pd.DataFrame, outer: str,
            inner: str, rated: bool) -> None:
    """Each group of ``outer`` is the sum of the groups of ``inner`` that lie within it (a finding's
    answers are its criteria's): linked so, where every group of ``inner`` lies within one of ``outer``."""
    column, within = outer.removeprefix("by "), inner.removeprefix("by ")
    if not len(rows) or rows.groupby(within, observed=True)[column].nunique().gt(1).any():
        return  # not nested in these rows: no such link to register
    members: dict[str, list[str]] = {}
    for group, outer_group in rows.groupby(within, observed=True)[column].first().items():
        members.setdefault(str(outer_group), []).append(str(group))
    for group, parts in members.items():
        for part in ("n", "k") if rated else ("n",):
            if (outer, group, part) in keys and all((inner, g, part) in keys for g in parts):
                reg.total(keys[(outer, group, part)], [keys[(inner, g, part)] for g in parts],
                          name=f"{outer}: {group} is the sum of its {inner.removeprefix('by ')} groups ({part})")


def _crossed(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str], lens: Lens, rows: pd.DataFrame,
             first: str, second: str, rated: bool) -> None:
    """The cross-tabulation of two views no view prints, as hidden cells: each group of either view
    is the sum of its cells, and a cell that holds nothing is known to be empty (the reader is taken
    to know which roles own which sources' actions). A cell is protected by its own unit, so a role's
    count never bounds a withheld source's count more narrowly than ``c`` says."""
    a, b = first.removeprefix("by "), second.removeprefix("by ")
    if not len(rows):
        return
    cells: dict[tuple[str, str], dict[str, str]] = {}
    for (x, y), members in rows.groupby([a, b], observed=True, sort=True):
        name = f"{first}={x} & {second}={y}"
        unit = group_unit(lens, members)
        if rated:
            k_key, n_key = reg.rate(name, int(members["met"].sum()), int(members["met"].count()), unit, page=PAGE,
                                    label=f"{first}: {x}, {second}: {y}", printed=False)
            cells[(str(x), str(y))] = {"n": n_key, "k": k_key}
        else:
            cells[(str(x), str(y))] = {"n": reg.add(f"{name}/n", len(members), unit, page=PAGE,
                                                    label=f"{first}: {x}, {second}: {y}", printed=False)}
    for view, side in ((first, 0), (second, 1)):
        groups: dict[str, list[dict[str, str]]] = {}
        for pair, cell in cells.items():
            groups.setdefault(pair[side], []).append(cell)
        for group, members in groups.items():
            for part in ("n", "k") if rated else ("n",):
                mine = keys.get((view, group, part))
                if mine is not None:
                    reg.total(mine, [c[part] for c in members], name=f"{view}: {group} is the sum of its cells ({part})")


def _page_same(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str], rows: pd.DataFrame, view: str,
               parts_of: Callable[[str, pd.DataFrame], tuple[str, ...]], rated: bool, kept: Collection[str]) -> None:
    """Each group of ``view`` that is the page's figures (one, or the sum of several: a criterion's
    answers are its lines, one per case-file audit type) is linked to them; one the page withholds
    is withheld here too, so the explorer never prints what the page withheld."""
    column = view.removeprefix("by ")
    for group, members in rows.groupby(column, observed=True, sort=True):
        page_keys = parts_of(str(group), members)
        for part in ("n", "k") if rated else ("n",):
            mine = keys.get((view, str(group), part))
            theirs = [f"{k}/{part}" for k in page_keys]
            if mine is None or not theirs or not all(k in reg.figures for k in theirs):
                continue  # the page prints no such line this quarter
            if sum(reg.figures[k].value for k in theirs) != reg.figures[mine].value:
                continue  # not the same answers (files audited under two types): no exact link
            reg.total(mine, theirs, name=f"{view}: {group} is the page's line ({part})")
            if set(theirs) & set(kept):
                reg.withhold(mine, "the page's own figure, which the page withholds")


def _page_sums(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str],
               sums: Mapping[tuple[str, str], tuple[str, ...]]) -> None:
    """Each group whose size counts what page figures count together (the remedial actions raised
    in a quarter; the page's files graded Inadequate that quarter, due and not yet due) is linked to
    their sum, an implicit figure (``<group>/page files``).

    Where the two are equal (each file has one remedial action, raised in its audit's quarter) the
    link is exact: a reader who knows that practice subtracts one printed figure from the other.
    Else the difference is an implicit figure on the larger side (actions on other files; files
    with no action raised that quarter), never printed, protected where it is a small count. A page
    that registered none of them this quarter (no file graded Inadequate, or none due) adds nothing."""
    for (view, group), page_keys in sums.items():
        mine = keys.get((view, group, "n"))
        if mine is None or not all(k in reg.figures for k in page_keys):
            continue
        unit = reg.figures[mine].unit
        files = reg.add(f"{view}={group}/page files", sum(reg.figures[k].value for k in page_keys), unit,
                        page=PAGE, label=f"{group}: the page's {' + '.join(page_keys)}", printed=False)
        reg.total(files, list(page_keys), name=f"{group}: the page's files add up")
        gap = reg.figures[mine].value - reg.figures[files].value
        if not gap:
            reg.total(mine, [files], name=f"{group}: the explorer's count is the page's files")
            continue
        rest = reg.add(f"{view}={group}/" + ("beyond the page" if gap > 0 else "beyond the explorer"), abs(gap),
                       unit, page=PAGE, printed=False, label=f"{group}: the explorer's count less the page's files")
        larger, smaller = (mine, files) if gap > 0 else (files, mine)
        reg.total(larger, [smaller, rest], name=f"{group}: the explorer's count and the page's files differ by {gap:+g}")


def _join_page(reg: LinkedFigures, keys: Mapping[tuple[str, str, str], str], page_total: str,
               parts: tuple[str, ...]) -> None:
    """The explorer's total on the report's basis is the page's figure ``page_total``: the same
    figure, so one withheld is the other withheld."""
    for part in parts:
        known = f"{page_total}/{part}"
        mine = keys.get(("", "", part))
        if mine is not None and known in reg.figures and reg.figures[known].value == reg.figures[mine].value:
            reg.total(known, [mine], name=f"the explorer's total is the page's ({part})")


def _breakdown(reg: LinkedFigures, keys: dict[tuple[str, str, str], str], lens: Lens, rows: pd.DataFrame,
               view: str, policy: DisclosurePolicy, files_total: int | None) -> None:
    """Register one breakdown ("by team") of the quarter: each group's count and size (and its
    case files where rows are answers), each breakdown adding up to the quarter's total."""
    rated = lens.measure == "rate"
    column = view.removeprefix("by ")
    n_parts, k_parts, f_parts = [], [], []
    # A breakdown by what the count counts ("by final grade": each grade is met or not) gives each
    # group's count with its size: every group all met (count = size) or none (count = 0).
    determined = rated and bool(len(rows)) and rows.groupby(column, observed=True)["met"].nunique().le(1).all()
    for group, members in rows.groupby(column, observed=True, sort=True):
        unit = group_unit(lens, members)
        name = f"{view}={group}"
        if rated:
            k_key, n_key = reg.rate(name, int(members["met"].sum()), int(members["met"].count()), unit, page=PAGE,
                                    label=f"{view}: {group}")
            keys[(view, str(group), "k")] = k_key
            k_parts.append(k_key)
            if determined and reg.figures[k_key].value:
                reg.total(n_key, [k_key], name=f"{view}: {group}: every one met (the view is the measure's)")
            elif determined:
                reg.add(k_key, 0, unit, page=PAGE, public=True)  # none met: known from the group's name
        else:
            n_key = reg.add(f"{name}/n", len(members), unit, page=PAGE, label=f"{view}: {group}")
        keys[(view, str(group), "n")] = n_key
        n_parts.append(n_key)
        files = _files(lens, members)
        if files is not None:
            f_parts.append(reg.add(f"{name}/files", files, FILES, page=PAGE, label=f"{view}: {group}: case files",
                                   printed=False))
            reg.reveals(n_key, [f_parts[-1]], name=f"{view}: {group}: its answers give its case files")
            if policy.suppress and files < policy.min_group:
                reg.withhold(k_key if rated else n_key, f"a share of fewer than {policy.min_group} case files")
    if n_parts:
        reg.total("total/n", n_parts, name=f"{view} adds up to the selection")
    if k_parts:
        reg.total("total/k", k_parts, name=f"{view}: counts add up to the selection's")
    if f_parts and files_total is not None and sum(reg.figures[f].value for f in f_parts) == files_total:
        reg.total("total/files", f_parts, name=f"{view}: each case file in one group")  # a partition of files


def _files(lens: Lens, rows: pd.DataFrame) -> int | None:
    """The distinct records (case files) of ``rows`` when the lens's rows are not records
    themselves (:attr:`Lens.people`), else None."""
    return int(rows[lens.people].nunique()) if lens.people else None
