"""One registry for every page of a cycle: what one page withholds cannot be worked out from another.

Each page of a published cycle decides what it withholds from its own registry of linked figures
(:class:`~review.protection.linked.LinkedFigures`), in its own kernel. A page also registers what
it knows other pages print (a figure under the same key, or one declared ``public``), but no
page sees the others' decisions: the GOSE page could print a total whose part another page
withholds, or a page could print a figure that another withholds under the same key.

So the run solves the cycle once more, at publish time, over every page's registry together
(:func:`solve_cycle`), after the notebooks have ended and before anything is moved into place:

1. every page's figures and links are merged into one registry; a key registered by two pages is
   one figure (two pages printing the same figure use the same key);
2. everything any page withheld stays withheld (``keep``), and a figure that one page withholds
   is no longer taken as known by a page that declared it public;
3. the merged registry is solved exactly as a page's is (integer programme, then the attacker's
   audit with linear programmes over every link of the cycle, see :mod:`review.protection.linked`),
   which adds the fewest further figures so that no protected count of the cycle can be worked out;
4. each such figure is a *cross-page* withholding of every page that printed it.

A page cannot be changed once its notebook has ended (its HTML is written by then), so a page with
a cross-page withholding is withheld whole by the publish gate (fail closed), and the disclosure log
names each figure, its page, its rule (``secondary (across pages)``) and the links that made it
necessary. The remedy is for the page to register the link, so that its own solve withholds the
figure on the next run. On the demo no page is withheld (``tests/test_demo_disclosure.py``).

Examples
--------
A total printed on the summary page whose part is withheld on the report page, and the other
part printed on the report page: alone each page is safe; together the part is the total less
the other part.

>>> from review.protection.disclosure import DisclosurePolicy
>>> from review.protection.linked import LinkedFigures
>>> policy = DisclosurePolicy()
>>> report = LinkedFigures(policy)
>>> _ = report.add("cin/small group", 3, "children", page="report")
>>> _ = report.add("cin/other group", 40, "children", page="report")
>>> summary = LinkedFigures(policy)
>>> _ = summary.add("cin/total", 43, "children", page="summary")
>>> _ = summary.add("cin/small group", 3, "children", page="summary", printed=False)
>>> _ = summary.add("cin/other group", 40, "children", page="summary", printed=False)
>>> summary.total("cin/total", ["cin/small group", "cin/other group"], name="groups add up to all children in need")
>>> records = [{"page": "report", "registry": report.solve().registry},
...            {"page": "summary", "registry": summary.solve().registry}]
>>> cycle = solve_cycle(records, policy)
>>> sorted(cycle.pages.items())
[('report', ('cin/other group',))]
>>> cycle.rows()[0]["rule"], cycle.rows()[0]["links"]
('secondary (across pages)', 'groups add up to all children in need')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import LinkedFigures, Withheld, read_record

__all__ = ["CROSS_PAGE", "CycleDecision", "cycle_log", "solve_cycle"]

CROSS_PAGE = "secondary (across pages)"
"""The log's rule for a figure withheld because of a link to another page of the cycle."""


@dataclass(frozen=True)
class CycleDecision:
    """What the cycle's registry withholds beyond the pages' own decisions.

    Attributes
    ----------
    withheld : tuple of Withheld
        One per page and figure: a figure the page printed that the cycle must withhold.
    figures : int
        How many figures the cycle's registry holds (for the log's summary).
    """

    withheld: tuple[Withheld, ...] = ()
    figures: int = 0

    @property
    def pages(self) -> dict[str, tuple[str, ...]]:
        """Page to the keys of its figures in :attr:`withheld` (the pages the publish gate withholds)."""
        out: dict[str, tuple[str, ...]] = {}
        for w in self.withheld:
            out[w.page] = (*out.get(w.page, ()), w.key)
        return out

    def rows(self) -> list[dict[str, str]]:
        """The cross-page withholdings as rows of the disclosure log."""
        return [w.row() for w in self.withheld]

    def reason(self, page: str) -> str:
        """Why the publish gate withholds ``page`` (no value, only how many figures)."""
        n = len(self.pages.get(page, ()))
        return (f"{n} figure{'s' if n != 1 else ''} on this page would let a count withheld on another page of "
                "the cycle be worked out (see the disclosure log)")


def solve_cycle(records: Sequence[Mapping[str, Any]], policy: DisclosurePolicy) -> CycleDecision:
    """Solve every page's registry of a cycle together (see the module's description).

    Parameters
    ----------
    records : sequence of mapping
        The pages' disclosure-log records (:func:`review.protection.disclosure_log.page_record`);
        those with a ``registry`` take part.
    policy : DisclosurePolicy
        The cycle's policy (an internal audience withholds nothing).

    Returns
    -------
    CycleDecision

    Raises
    ------
    ParameterError
        If two pages give one figure different values.
    """
    regs = [(str(r["page"]), r["registry"]) for r in records if r.get("registry")]
    if not policy.suppress or not regs:
        return CycleDecision()
    merged = LinkedFigures.from_records([reg for _, reg in regs], policy)
    keep = {str(k) for _, reg in regs for k in reg.get("withheld", [])}
    merged.public -= keep  # a page cannot take as known what another page withholds
    shown_and_kept = any(k in keep for page, reg in regs for k in _printed(page, reg))
    if not shown_and_kept and not merged.exposed(keep, _across(merged, regs)):
        return CycleDecision(figures=len(merged.figures))  # the pages' own decisions protect every count
    decision = merged.solve(keep=keep)
    out: list[Withheld] = []
    for page, reg in regs:
        for k in (k for k in _printed(page, reg) if k in decision.withheld):
            w = decision.withheld[k]
            links = w.links or tuple(ln.name for ln in merged.links if k in ln.keys)
            out.append(Withheld(k, page, w.label, CROSS_PAGE, links,
                                "printed on this page, it would let a count withheld on another page of the "
                                "cycle be worked out" if k in keep else
                                "withheld so that a protected count linked to it across pages cannot be worked out"))
    return CycleDecision(tuple(out), len(merged.figures))


def _printed(page: str, reg: Mapping[str, Any]) -> list[str]:
    """The figures a page prints and does not withhold: those of its registry printed on it (a
    figure it registers as printed on another page is that page's)."""
    own = set(reg.get("withheld", []))
    return [f.key for f in read_record(reg)[0] if f.printed and f.page == page and f.key not in own]


def _across(merged: LinkedFigures, regs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """The protected counts whose linked figures come from more than one page's registry: the only
    ones the pages' own audits have not checked (a count linked within one page only was audited by
    that page with as much known, or more, as the merged registry has)."""
    parent: dict[str, str] = {k: k for k in merged.figures}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for link in merged.links:
        root = find(link.keys[0])
        for k in link.keys[1:]:
            parent[find(k)] = root
    pages: dict[str, set[int]] = {}
    for i, (_, reg) in enumerate(regs):
        figures, links = read_record(reg)
        for key in [f.key for f in figures] + [ln.keys[0] for ln in links]:
            pages.setdefault(find(key), set()).add(i)
    return [k for k, f in merged.figures.items() if merged.primary(f) and len(pages.get(find(k), ())) > 1]


def cycle_log(records: Sequence[Mapping[str, Any]], policy: DisclosurePolicy) -> tuple[list[dict[str, Any]], CycleDecision]:
    """The cycle's disclosure log as written: the pages' records without their registries, each
    page's cross-page withholdings added to its outcome, and a record ``cycle`` saying what the
    check across pages found.

    Examples
    --------
    >>> from review.protection.disclosure import DisclosurePolicy
    >>> log, decision = cycle_log([{"page": "p", "status": "pass", "summary": "pass", "outcome": []}],
    ...                           DisclosurePolicy())
    >>> [r["page"] for r in log], log[-1]["summary"]
    (['p', 'cycle'], 'one registry across 0 pages (0 figures): nothing more withheld')
    """
    decision = solve_cycle(records, policy)
    rows_by_page: dict[str, list[dict[str, str]]] = {}
    for row in decision.rows():
        rows_by_page.setdefault(row["page"], []).append(row)
    out = []
    for r in records:
        rec = {k: v for k, v in r.items() if k != "registry"}
        extra = rows_by_page.get(str(r.get("page")), [])
        if extra:
            rec["outcome"] = [*rec.get("outcome", []), *extra]
            rec["status"] = "withheld"
            rec["summary"] = f"{rec.get('summary', '')}; page withheld: {len(extra)} {CROSS_PAGE}"
        out.append(rec)
    n_pages = sum(1 for r in records if r.get("registry"))
    found = (f"{len(decision.withheld)} {CROSS_PAGE}, {len(decision.pages)} page(s) withheld" if decision.withheld
             else "nothing more withheld")
    out.append({"page": "cycle", "status": "review" if decision.withheld else "pass",
                "summary": f"one registry across {n_pages} pages ({decision.figures} figures): {found}",
                "outcome": decision.rows()})
    return out, decision
