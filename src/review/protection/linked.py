"""Secondary suppression over linked figures: one registry per published cycle.

A published figure is rarely alone. Categories add up to a total printed in another table; a
share is printed beside its denominator; a turnover rate beside the establishment it divides; a
rate's count beside its group, so that the complement (the group less the count) is known too.
A count of people from the policy's ``low`` to ``high`` that is withheld on its own (primary
suppression) can be worked out again from such links unless more figures are withheld with it
(secondary suppression).

:class:`LinkedFigures` holds every figure of a cycle that a page prints, with its declared unit
(:mod:`review.protection.units`), and the links between them:

- :meth:`LinkedFigures.total`: a total and its parts (within a page or across pages);
- :meth:`LinkedFigures.ratio`: a printed ratio (a share, a turnover rate) of two figures, which
  with one of them gives the other to within the ratio's rounding;
- :meth:`LinkedFigures.rate`: a count ``k`` of a group ``n``, with the complement ``n - k`` as an
  implicit figure (never printed, yet known from the two) that is protected in its own right;
- :meth:`LinkedFigures.change`: a change since last quarter printed with its interval, which gives
  last cycle's count and group back (a link of kind ``reveals``): it is shown only when last
  cycle's count is not protected.

A page's registry travels out of its notebook with its decision (:meth:`LinkedFigures.record`,
:attr:`Decision.registry`); the run merges every page's registry into one for the cycle and solves
it again (:mod:`review.protection.cycle_registry`), so a figure withheld on one page cannot be
worked out from another.

:meth:`LinkedFigures.solve` chooses the fewest extra figures to withhold, exactly, with
:func:`scipy.optimize.milp`:

- one binary per figure (1: withheld); primary and implicit figures are fixed at 1;
- in every link, a withheld figure of people (or an implicit one that is protected) needs a
  second withheld figure beside it, so no single equation gives it back;
- then an *attacker's audit*: for each protected count, linear programmes find the least and the
  greatest value it can take given every printed figure and every link (figures are counts, so
  at least 0; a printed ratio holds to within half its last printed digit). A count is protected
  when its interval spans at least ``high + 1`` whole values (0 to ``high``, what ``c`` itself
  says). When one is not, one of the printed figures that share a link with it (or with the
  withheld figures linked to it) must be withheld too: any answer that withholds none of them
  leaves the attacker at least as well off. That constraint is added and the problem solved
  again, until the audit passes. The answer is optimal among sets of withheld
  figures that pass the audit.

The attacker works over real numbers (the linear relaxation); for tables of sums this gives the
same bounds as whole numbers in every case the tests build.

The registry decides; views only ask (:meth:`Decision.text`). Each withheld figure is recorded
with its rule and link for the run's disclosure log (:mod:`review.protection.disclosure_log`).

Examples
--------
Plans started by category of abuse, whose total is printed in another table: withholding only
the small category would let it be read as the total less the others.

>>> from review.protection.disclosure import DisclosurePolicy, round_half_up
>>> reg = LinkedFigures(DisclosurePolicy())
>>> for name, v in [("physical", 9), ("sexual", 2), ("emotional", 19), ("neglect", 31)]:
...     _ = reg.add(f"cat/{name}", v, "children", page="gose", label=f"plans started: {name}")
>>> _ = reg.add("started", 61, "children", page="gose", label="plans started")
>>> reg.total("started", ["cat/physical", "cat/sexual", "cat/emotional", "cat/neglect"], name="categories")
>>> d = reg.solve()
>>> sorted(d.withheld)
['cat/physical', 'cat/sexual']
>>> d.text("cat/neglect", "31"), d.text("cat/sexual", "2")
('31', 'c')
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy, round_half_up
from review.protection.units import protected

__all__ = ["Decision", "Figure", "Link", "LinkedFigures", "LogRows", "Withheld", "attack_bounds", "read_record",
           "suppress_table"]


@dataclass(frozen=True)
class Figure:
    """One figure of a cycle.

    Attributes
    ----------
    key : str
        Unique in the cycle; two pages printing the same figure use the same key.
    value : float
    unit : str
        A declared unit (:mod:`review.protection.units`); ``share`` for a printed ratio.
    page : str
        The page that prints it (for the log).
    label : str
        What it is, in words (for the log).
    printed : bool
        False for an implicit figure (a complement): known from others, never printed itself.
    """

    key: str
    value: float
    unit: str
    page: str
    label: str = ""
    printed: bool = True

    @property
    def people(self) -> bool:
        """Whether it counts people (protected)."""
        return self.unit not in ("share", "FTE", "rate") and protected(self.unit)


@dataclass(frozen=True)
class Link:
    """How figures are linked.

    Attributes
    ----------
    kind : str
        ``total`` (``keys[0] = sum(keys[1:])``), ``ratio`` (``keys[0] = keys[2] * keys[1]``:
        numerator, denominator, printed ratio, to within ``halfwidth`` of the ratio) or
        ``reveals`` (``keys[0]`` printed gives every one of ``keys[1:]`` exactly: a change since
        last cycle with its interval gives last cycle's count and group).
    keys : tuple of str
    name : str
        The link in words, for the log ("categories add up to plans started").
    halfwidth : float
        Half the last printed digit of a ratio (0.0005 for a percentage to 1 decimal).
    """

    kind: str
    keys: tuple[str, ...]
    name: str
    halfwidth: float = 0.0


@dataclass(frozen=True)
class Withheld:
    """Why a figure is withheld: ``primary`` (a count of people from low to high), ``secondary``
    (with the links that needed it) or ``rule`` (a policy rule named by the caller)."""

    key: str
    page: str
    label: str
    rule: str
    links: tuple[str, ...] = ()
    reason: str = ""

    def row(self) -> dict[str, str]:
        """The figure as a row of the disclosure log (page, figure, key, rule, links, reason).

        >>> Withheld("a/k", "jar", "", "secondary", ("sum", "rate")).row()["figure"]
        'a/k'
        """
        return {"page": self.page, "figure": self.label or self.key, "key": self.key, "rule": self.rule,
                "links": "; ".join(self.links), "reason": self.reason}


@dataclass(frozen=True)
class Decision:
    """What a cycle's pages may print.

    Attributes
    ----------
    withheld : dict of str to Withheld
        Every printed figure withheld, by key.
    registry : mapping or None
        The registry the decision was made on, as :meth:`LinkedFigures.record` writes it (None for
        an internal audience): the run solves the cycle's pages together from these.
    """

    withheld: Mapping[str, Withheld]
    registry: Mapping[str, object] | None = None

    def shown(self, key: str) -> bool:
        """Whether the figure ``key`` may be printed."""
        return key not in self.withheld

    def text(self, key: str, formatted: str) -> str:
        """``formatted`` when the figure may be printed, else ``c``."""
        return formatted if self.shown(key) else "c"

    def log(self) -> LogRows:
        """The withheld figures as rows of the disclosure log (page, figure, rule, links), carrying
        the registry (:attr:`LogRows.registry`) for the cycle's check across pages."""
        return LogRows([w.row() for w in sorted(self.withheld.values(), key=lambda w: (w.page, w.key))],
                       self.registry)


class LogRows(list[dict[str, str]]):
    """A page's rows of the disclosure log, with the registry they were decided on (``registry``,
    None when there is none): :func:`review.protection.disclosure_log.with_log` carries both out of
    the notebook, so the run can solve every page of the cycle together.

    >>> rows = LogRows([{"page": "p", "key": "a"}], {"figures": []})
    >>> len(rows), rows.registry
    (1, {'figures': []})
    """

    def __init__(self, rows: Iterable[Mapping[str, str]] = (), registry: Mapping[str, object] | None = None) -> None:
        super().__init__(dict(r) for r in rows)
        self.registry = registry


class LinkedFigures:
    """The figures of a cycle and their links; :meth:`solve` decides what is withheld.

    Parameters
    ----------
    policy : DisclosurePolicy
        Its ``low`` and ``high`` bound a protected count; an internal policy withholds nothing.
    """

    def __init__(self, policy: DisclosurePolicy) -> None:
        self.policy = policy
        self.figures: dict[str, Figure] = {}
        self.links: list[Link] = []
        self.forced: dict[str, str] = {}
        self.public: set[str] = set()

    def add(self, key: str, value: float, unit: str, *, page: str, label: str = "", printed: bool = True,
            public: bool = False) -> str:
        """Register a figure (again with the same value: the same figure printed on another page).

        ``public``: known to every reader from elsewhere (a population, an establishment in FTE
        derived from printed values), so never withheld and always known to the attacker."""
        figure = Figure(key, float(value), unit, page, label or key, printed)
        figure.people  # noqa: B018 - validates the unit (UndeclaredUnit)
        old = self.figures.get(key)
        if old is not None and old.value != figure.value:
            raise ParameterError(f"figure {key!r} registered twice with different values")
        if old is None or (printed and not old.printed):
            self.figures[key] = figure
        if public:
            self.public.add(key)
        return key

    def linked_part(self, seeds: Collection[str]) -> LinkedFigures:
        """The figures linked to ``seeds``, directly or through others, with their links: a
        registry whose decision on these figures is the whole registry's (every other figure lies
        in groups no link joins to them, whose decision cannot change theirs).

        >>> reg = LinkedFigures(DisclosurePolicy())
        >>> _ = reg.rate("a", 3, 40, "children", page="explorer", label="a")
        >>> _ = reg.rate("b", 30, 40, "children", page="jar", label="b", n_key="a/n")  # shares a's group
        >>> _ = reg.rate("c", 2, 9, "children", page="jar", label="c")  # linked to neither
        >>> sorted(reg.linked_part(["a/k"]).figures)
        ['a/k', 'a/n', 'a/rest', 'b/k', 'b/rest']
        """
        by_key: dict[str, list[tuple[str, ...]]] = {}
        for link in self.links:
            for key in link.keys:
                by_key.setdefault(key, []).append(link.keys)
        linked = set(seeds)
        todo = list(linked)
        while todo:
            for keys in by_key.get(todo.pop(), ()):
                fresh = [k for k in keys if k not in linked]
                linked.update(fresh)
                todo.extend(fresh)
        part = LinkedFigures(self.policy)
        part.figures = {k: f for k, f in self.figures.items() if k in linked}
        part.links = [ln for ln in self.links if ln.keys[0] in linked]  # a link's keys are all in, or none
        part.forced = {k: v for k, v in self.forced.items() if k in linked}
        part.public = self.public & linked
        return part

    def total(self, total: str, parts: Sequence[str], *, name: str) -> None:
        """``total`` is the sum of ``parts`` (figures already added)."""
        self._known([total, *parts])
        self.links.append(Link("total", (total, *parts), name))

    def ratio(self, numerator: str, denominator: str, ratio: str, *, name: str, halfwidth: float) -> None:
        """The printed ``ratio`` is ``numerator / denominator`` to within ``halfwidth``."""
        self._known([numerator, denominator, ratio])
        self.links.append(Link("ratio", (numerator, denominator, ratio), name, halfwidth))

    def rate(self, key: str, k: int, n: int, unit: str, *, page: str, label: str,
             n_key: str | None = None, public: bool = False, printed: bool = True) -> tuple[str, str]:
        """A count ``k`` of a group ``n`` printed together ('63 of 100'): adds ``key/k``, the group
        (``n_key`` when it is a figure printed elsewhere too) and the implicit complement, linked
        as a total. Returns the keys of ``k`` and ``n``. ``public``: another page prints the rate
        by its own rule, so it is known and never withheld here; ``printed`` False: a rate no page
        prints (another page withheld it), unknown to the attacker yet protected."""
        k_key = self.add(f"{key}/k", k, unit, page=page, label=label, public=public, printed=printed)
        n_key = self.add(n_key or f"{key}/n", n, unit, page=page, label=f"{label} (the group)", public=public,
                         printed=printed)
        rest = self.add(f"{key}/rest", n - k, unit, page=page, label=f"{label} (the rest of the group)",
                        printed=False)
        self.total(n_key, [k_key, rest], name=f"{label}: count and the rest of its group")
        return k_key, n_key

    def change(self, key: str, value: float, before_k: int, before_n: int, unit: str, *, page: str,
               label: str) -> str:
        """A change since last quarter printed beside this cycle's rate, with its interval: the change
        and the interval's two ends pin last cycle's count and its group, so printing it gives them
        back (a link of kind ``reveals``). Last cycle's count, group and rest are added as implicit
        figures (``<key>/before/k`` etc.); when one of them is a protected count the change is
        withheld, and a solved decision never prints one that would give such a count back.

        Returns the change's key.

        >>> reg = LinkedFigures(DisclosurePolicy())
        >>> _ = reg.rate("iro", 9, 16, "children", page="jar", label="IRO reviews in time")
        >>> _ = reg.change("iro/change", 0.229, 5, 15, "children", page="jar", label="IRO reviews in time")
        >>> d = reg.solve()
        >>> d.shown("iro/k"), d.shown("iro/change"), d.withheld["iro/change"].rule
        (True, False, 'secondary')
        """
        bk, bn = self.rate(f"{key}/before", before_k, before_n, unit, page="last quarter's report",
                           label=f"{label}: last quarter", printed=False)
        change = self.add(key, value, "share", page=page, label=f"{label}: change since last quarter")
        self.links.append(Link("reveals", (change, bk, bn, f"{key}/before/rest"),
                               f"{label}: the change and its interval give last cycle's count"))
        return change

    def reveals(self, printed: str, keys: Sequence[str], *, name: str) -> None:
        """Printing ``printed`` gives every one of ``keys`` back (a link of kind ``reveals``): a
        group's answers to criteria give its case files (28 answers are 4 files of 7 criteria).
        Where one of ``keys`` is a protected count, ``printed`` is withheld from the start and is
        itself protected: it must not be worked out from other figures either (a documented
        heuristic: its interval must span ``high + 1`` values, as a count's does).

        >>> reg = LinkedFigures(DisclosurePolicy())
        >>> for g, answers, files in (("a", 28, 4), ("b", 70, 10), ("c", 77, 11)):
        ...     _ = reg.add(f"{g}/answers", answers, "audits", page="p")
        ...     _ = reg.add(f"{g}/files", files, "files", page="p", printed=False)
        ...     reg.reveals(f"{g}/answers", [f"{g}/files"], name=f"{g}: answers give files")
        >>> _ = reg.add("answers", 175, "audits", page="p", public=True)
        >>> reg.total("answers", ["a/answers", "b/answers", "c/answers"], name="groups add up")
        >>> sorted(reg.solve().withheld)  # a alone would be 175 - 70 - 77 = 28 answers: 4 files
        ['a/answers', 'b/answers']
        """
        self._known([printed, *keys])
        self.links.append(Link("reveals", (printed, *keys), name))

    def record(self, withheld: Iterable[str] = ()) -> dict[str, object]:
        """The registry as plain data (JSON): its figures, links, rules and public figures, and the
        figures a page's decision withheld; :meth:`from_records` reads it back.

        >>> reg = LinkedFigures(DisclosurePolicy())
        >>> _ = reg.add("a", 2, "children", page="p")
        >>> rec = reg.record(["a"])
        >>> rec["figures"], rec["withheld"]
        ([['a', 2.0, 'children', 'p', 'a', True]], ['a'])
        """
        return {"figures": [[f.key, f.value, f.unit, f.page, f.label, f.printed] for f in self.figures.values()],
                "links": [[ln.kind, list(ln.keys), ln.name, ln.halfwidth] for ln in self.links],
                "forced": dict(self.forced), "public": sorted(self.public), "withheld": sorted(withheld)}

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]], policy: DisclosurePolicy) -> LinkedFigures:
        """One registry of every figure and link in ``records`` (:meth:`record`'s output, from one
        page or several): a key in two records is one figure, printed if either prints it.

        Raises
        ------
        ParameterError
            If two records give one key different values.
        """
        reg = cls(policy)
        for rec in records:
            figures, links = read_record(rec)
            for f in figures:
                reg.add(f.key, f.value, f.unit, page=f.page, label=f.label, printed=f.printed)
            reg.links.extend(links)
            reg.forced.update({str(k): str(v) for k, v in dict(rec.get("forced", {})).items()})  # type: ignore[call-overload]
            reg.public.update(str(k) for k in rec.get("public", []))  # type: ignore[attr-defined]
        return reg

    def withhold(self, key: str, reason: str) -> None:
        """Withhold a figure by a rule of the policy other than a small count (a rate of a group
        smaller than ``min_group``, a single post-holder's own figure)."""
        self._known([key])
        self.forced[key] = reason

    def _known(self, keys: Iterable[str]) -> None:
        missing = [k for k in keys if k not in self.figures]
        if missing:
            raise ParameterError(f"link names figures never added: {missing}")

    def primary(self, figure: Figure) -> bool:
        """Whether a figure is a count of people from ``low`` to ``high`` (withheld on its own)."""
        return (self.policy.suppress and figure.people
                and self.policy.low <= figure.value <= self.policy.high)

    def solve(self, keep: Iterable[str] = ()) -> Decision:
        """Choose the fewest figures to withhold (primary, then secondary) so that no protected
        count can be worked out; see the module's description.

        ``keep``: figures withheld already (by the pages, when the cycle's registry is solved
        across them), which stay withheld; the answer adds the fewest others."""
        if not self.policy.suppress:
            return Decision({})
        keys = list(self.figures)
        index = {k: i for i, k in enumerate(keys)}
        fixed = {k for k, f in self.figures.items() if self.primary(f) or not f.printed or k in self.forced}
        fixed |= set(keep) & set(keys)
        fixed |= self._revealing(fixed)
        targets = [k for k, f in self.figures.items() if self.primary(f)]
        targets += [k for k in sorted(self._revealing(set(self.forced))) if self.figures[k].people and k not in targets]
        cuts: list[set[str]] = []
        hidden: set[str] = set()
        for _ in range(self.max_rounds):
            hidden = self._milp(keys, index, fixed, cuts)
            failing = self._failing(targets, hidden)
            if not failing:
                return self._decision(hidden, fixed)
            for t in failing:
                group = self._neighbours(t, hidden)
                if not group:
                    raise ParameterError(f"figure {t!r} cannot be protected: every linked figure is withheld")
                cuts.append(group)
        return self._decision(self._greedy(hidden, targets), fixed)

    def _revealing(self, fixed: set[str]) -> set[str]:
        """The changes whose printing would give back a protected count of last cycle (a primary
        count, or any figure withheld by a rule): withheld from the start."""
        out = set()
        for link in self.links:
            if link.kind == "reveals" and any(
                    self.primary(self.figures[k]) or k in self.forced for k in link.keys[1:]):
                out.add(link.keys[0])
        return out - self.public

    max_rounds = 25
    """Rounds of the exact method (integer programme, then the attacker's audit and a cut) before the
    documented heuristic completes the answer (:meth:`_greedy`)."""

    def _neighbours(self, target: str, hidden: set[str]) -> set[str]:
        """The printed figures that share a link with the withheld figures linked to ``target``.

        One of them must be withheld too: any answer that withholds none of them leaves the
        attacker's equations about ``target`` as they are, or with more of their unknowns known,
        so the interval cannot widen (the cut is valid for every answer, not only larger ones)."""
        group, todo = {target}, [target]
        while todo:
            k = todo.pop()
            for link in self.links:
                if k in link.keys:
                    for j in link.keys:
                        if j in hidden and j not in group:
                            group.add(j)
                            todo.append(j)
        touching = {j for link in self.links if group & set(link.keys) for j in link.keys}
        return touching - hidden - self.public

    def exposed(self, hidden: Iterable[str], targets: Iterable[str] | None = None) -> list[str]:
        """The protected counts (of ``targets``, default every primary count) that an attacker can
        narrow to fewer than ``high + 1`` values when ``hidden`` (with every implicit figure) is
        withheld: the attacker's audit alone, without solving anything.

        >>> reg = LinkedFigures(DisclosurePolicy())
        >>> for k, v in [("a", 2), ("b", 30), ("t", 32)]:
        ...     _ = reg.add(k, v, "children", page="p")
        >>> reg.total("t", ["a", "b"], name="sum")
        >>> reg.exposed({"a"}), reg.exposed({"a", "b"})
        (['a'], [])
        """
        chosen = [k for k, f in self.figures.items() if self.primary(f)] if targets is None else list(targets)
        return self._failing(chosen, set(hidden) | {k for k, f in self.figures.items() if not f.printed})

    def _failing(self, targets: Sequence[str], hidden: set[str]) -> list[str]:
        return [t for t in targets if not _wide(attack_bounds(self.figures, self.links, hidden, t), self.policy.high)]

    def _greedy(self, hidden: set[str], targets: Sequence[str]) -> set[str]:
        """The heuristic that completes an answer the exact rounds did not settle: while a protected
        count can still be narrowed, withhold the smallest printed figure in a link with it (else in
        its linked group). It ends, as every withheld figure only widens what an attacker can say,
        and withholding the whole group protects every count in it."""
        hidden = set(hidden)
        while failing := self._failing(targets, hidden):
            t = failing[0]
            near = {j for ln in self.links if t in ln.keys for j in ln.keys} - hidden - self.public
            pool = near or (_component(t, self.links) - hidden - self.public)
            if not pool:
                raise ParameterError(f"figure {t!r} cannot be protected: every linked figure is withheld")
            hidden.add(min(pool, key=lambda k: (abs(self.figures[k].value), k)))
        return hidden

    def _milp(self, keys: list[str], index: dict[str, int], fixed: set[str], cuts: list[set[str]]) -> set[str]:
        from scipy.optimize import Bounds, LinearConstraint, milp

        n = len(keys)
        total_value = sum(abs(f.value) for f in self.figures.values()) + 1.0
        # fewest figures first; among as few, the smallest values (the least information lost)
        cost = np.array([1.0 + abs(self.figures[k].value) / total_value for k in keys])
        rows = [*self._company_rows(n, index), *self._equation_rows(n, index)]
        lower = [0.0] * len(rows)
        for group in cuts:
            row = np.zeros(n)
            row[[index[j] for j in group]] = 1.0
            rows.append(row)
            lower.append(1.0)
        lo = np.array([1.0 if k in fixed else 0.0 for k in keys])
        up = np.array([0.0 if k in self.public and k not in fixed else 1.0 for k in keys])
        constraints = [LinearConstraint(np.array(rows), np.array(lower), np.inf)] if rows else []
        res = milp(cost, integrality=np.ones(n), bounds=Bounds(lo, up), constraints=constraints)
        if res.x is None:
            raise ParameterError(f"secondary suppression has no solution: {res.message}")
        return {k for k in keys if res.x[index[k]] > 0.5}

    def _company_rows(self, n: int, index: dict[str, int]) -> list[np.ndarray]:
        """A withheld protected figure of a link has company: another of the link's figures withheld
        too (each row at least 0: the others withheld less the figure itself)."""
        rows = []
        for link in self.links:
            if link.kind == "reveals":
                continue  # a change that would give a protected count back is withheld from the start
            for k in link.keys:
                f = self.figures[k]
                if not f.people or (not f.printed and not self.primary(f)):
                    continue  # nothing to protect: a value, or an implicit figure of a large count
                row = np.zeros(n)
                row[[index[j] for j in link.keys if j != k]] = 1.0
                row[index[k]] -= 1.0
                rows.append(row)
        return rows

    def _equation_rows(self, n: int, index: dict[str, int]) -> list[np.ndarray]:
        """One equation alone: a small part's interval is itself plus the other withheld parts of its
        total, which must reach the policy's upper bound (each row at least 0)."""
        high = float(self.policy.high)
        rows = []
        for link in self.links:
            if link.kind != "total":
                continue
            total, parts = link.keys[0], link.keys[1:]
            for k in parts:
                f = self.figures[k]
                if not self.primary(f) or high - f.value <= 0:
                    continue
                row = np.zeros(n)
                for j in parts:
                    if j != k:
                        row[index[j]] += self.figures[j].value
                row[index[total]] += high
                row[index[k]] -= high - f.value
                rows.append(row)
        return rows

    def _decision(self, hidden: set[str], fixed: set[str]) -> Decision:
        out = {}
        for k in sorted(hidden):
            f = self.figures[k]
            if not f.printed:
                continue
            if k in self.forced:
                out[k] = Withheld(k, f.page, f.label, "rule", reason=self.forced[k])
            elif self.primary(f):
                out[k] = Withheld(k, f.page, f.label, "primary",
                                  reason=f"a count of {f.unit} from {self.policy.low} to {self.policy.high}")
            else:
                links = tuple(ln.name for ln in self.links if k in ln.keys
                              and any(j != k and j in hidden for j in ln.keys))
                out[k] = Withheld(k, f.page, f.label, "secondary", links,
                                  "withheld so that a protected count linked to it cannot be worked out")
        return Decision(out, self.record(out))


def read_record(record: Mapping[str, object]) -> tuple[list[Figure], list[Link]]:
    """The figures and links of a registry as :meth:`LinkedFigures.record` writes it (plain data).

    >>> reg = LinkedFigures(DisclosurePolicy())
    >>> _ = reg.rate("iro", 9, 16, "children", page="jar", label="IRO reviews")
    >>> figures, links = read_record(reg.record())
    >>> [(f.key, f.value, f.printed) for f in figures], links[0].keys
    ([('iro/k', 9.0, True), ('iro/n', 16.0, True), ('iro/rest', 7.0, False)], ('iro/n', 'iro/k', 'iro/rest'))
    """
    figures = [Figure(str(key), float(value), str(unit), str(page), str(label), bool(printed))
               for key, value, unit, page, label, printed in record.get("figures", [])]  # type: ignore[attr-defined]
    links = [Link(str(kind), tuple(str(k) for k in keys), str(name), float(halfwidth))
             for kind, keys, name, halfwidth in record.get("links", [])]  # type: ignore[attr-defined]
    return figures, links


def _wide(bounds: tuple[float, float], high: int) -> bool:
    low, up = bounds
    return up - low >= high - 1e-9


def _component(key: str, links: Sequence[Link]) -> set[str]:
    """Every figure linked to ``key``, directly or through others."""
    seen, todo = {key}, [key]
    while todo:
        k = todo.pop()
        for link in links:
            if k in link.keys:
                for j in link.keys:
                    if j not in seen:
                        seen.add(j)
                        todo.append(j)
    return seen


def attack_bounds(figures: Mapping[str, Figure], links: Sequence[Link], hidden: set[str],
                  target: str) -> tuple[float, float]:
    """The least and greatest value of ``target`` an attacker can prove from the printed figures.

    Printed figures are known; withheld and implicit ones are unknowns of at least 0; every total
    holds exactly; a printed ratio bounds its numerator by its denominator to within its rounding
    (a withheld ratio gives nothing). Solved as two linear programmes over the figures linked to
    ``target``.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``high`` is ``inf`` when nothing bounds it.

    Examples
    --------
    >>> from review.protection.disclosure import DisclosurePolicy, round_half_up
    >>> reg = LinkedFigures(DisclosurePolicy())
    >>> for k, v in [("a", 2), ("b", 30), ("t", 32)]:
    ...     _ = reg.add(k, v, "children", page="p")
    >>> reg.total("t", ["a", "b"], name="sum")
    >>> attack_bounds(reg.figures, reg.links, {"a"}, "a")  # the total less the other
    (2.0, 2.0)
    >>> attack_bounds(reg.figures, reg.links, {"a", "b"}, "a")
    (0.0, 32.0)
    """
    from scipy.optimize import linprog

    group = _component(target, links)
    unknown = sorted(k for k in group if k in hidden)
    if target not in unknown:
        value = figures[target].value
        return value, value
    col = {k: i for i, k in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = _attack_constraints(figures, links, hidden, group, col)
    bounds = [(0, None)] * len(unknown)
    out = []
    for direction in (1.0, -1.0):
        c = np.zeros(len(unknown))
        c[col[target]] = direction
        res = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=np.array(b_ub) if b_ub else None,
                      A_eq=np.array(a_eq) if a_eq else None, b_eq=np.array(b_eq) if b_eq else None, bounds=bounds,
                      method="highs")
        if res.status == 3:  # unbounded: no least (never, as figures are at least 0) or no greatest value
            out.append(-direction * np.inf)
        elif res.status != 0:
            raise ParameterError(f"the attacker's programme failed: {res.message}")
        else:
            out.append(direction * res.fun)
    return float(out[0]), float(out[1])


def _attack_constraints(figures: Mapping[str, Figure], links: Sequence[Link], hidden: set[str], group: set[str],
                        col: Mapping[str, int]) -> tuple[list[np.ndarray], list[float], list[np.ndarray], list[float]]:
    """The attacker's linear constraints over the unknowns ``col`` (withheld figures of ``group``):
    ``(a_eq, b_eq, a_ub, b_ub)`` as :func:`scipy.optimize.linprog` takes them."""
    eq, ub = _Rows(figures, col), _Rows(figures, col)
    for link in links:
        if not set(link.keys) & group:
            continue
        if link.kind == "total":
            eq.add([(link.keys[0], 1.0), *((k, -1.0) for k in link.keys[1:])])
        elif link.kind == "reveals":
            if link.keys[0] not in hidden:  # the change printed: every figure it pins is known
                for k in link.keys[1:]:
                    eq.add([(k, 1.0)], constant=-figures[k].value)
        elif link.keys[2] not in hidden:  # numerator = ratio x denominator, within the rounding
            num, den, ratio = link.keys
            r = figures[ratio].value
            for coef, sign in ((r - link.halfwidth, -1.0), (r + link.halfwidth, 1.0)):
                ub.add([(num, 1.0), (den, -coef)], sign=sign)  # sign * (num - coef * den) <= 0
    return eq.a, eq.b, ub.a, ub.b


class _Rows:
    """Linear constraints ``sign * (sum of coef * figure + constant)`` (= or <=) 0 over the unknowns
    ``col``, the known figures moved to the right-hand side; a row with no unknown is dropped."""

    def __init__(self, figures: Mapping[str, Figure], col: Mapping[str, int]) -> None:
        self.figures, self.col = figures, col
        self.a: list[np.ndarray] = []
        self.b: list[float] = []

    def add(self, terms: Iterable[tuple[str, float]], *, constant: float = 0.0, sign: float = 1.0) -> None:
        row = np.zeros(len(self.col))
        for k, coef in terms:
            if k in self.col:
                row[self.col[k]] += coef
            else:
                constant += coef * self.figures[k].value
        if row.any():
            self.a.append(row * sign)
            self.b.append(-constant * sign)


def _format_count(value: float, policy: DisclosurePolicy) -> str:
    """A published count as printed: rounded half up to the policy's base."""
    base = policy.rounding_base
    rounded = int(round_half_up(value / base) * base) if base > 1 else int(value)
    return f"{rounded:,}"


def suppress_table(counts: pd.DataFrame, policy: DisclosurePolicy, *, totals: bool = True) -> pd.DataFrame:
    """Primary and secondary suppression of a table of counts, with row and column totals.

    Parameters
    ----------
    counts : pandas.DataFrame
        Non-negative whole numbers.
    policy : DisclosurePolicy
    totals : bool, default: ``True``
        Add a ``Total`` row and column (themselves counts, suppressed by the same rules).

    Returns
    -------
    pandas.DataFrame
        Text: formatted counts, ``c`` where suppressed. For the internal audience nothing is
        suppressed.

    Notes
    -----
    Primary: every cell (totals included) of 1 to 5 becomes ``c``. Secondary: the fewest further
    cells so that no suppressed count can be worked out from the row and column totals, chosen
    exactly by :class:`review.protection.linked.LinkedFigures` (an integer programme, audited with
    linear programmes as an attacker would). The counts are of children (protected).

    Examples
    --------
    >>> t = pd.DataFrame([[12, 3, 20], [8, 15, 11]], index=["A", "B"], columns=["O", "G", "I"])
    >>> suppress_table(t, DisclosurePolicy()).loc["A"].tolist()
    ['c', 'c', '20', '35']
    """
    values = counts.to_numpy(dtype=float)
    if (values < 0).any() or not np.array_equal(values, np.round(values)):
        raise ParameterError("`counts` must hold whole numbers >= 0")
    table = counts.copy().astype(float)
    if totals:
        table["Total"] = table.sum(axis=1)
        table.loc["Total"] = table.sum(axis=0)
    v = table.to_numpy()
    n_rows, n_cols = v.shape
    reg = LinkedFigures(policy)
    key = [[reg.add(f"{r},{c}", v[r, c], "children", page="table", label=f"{table.index[r]}, {table.columns[c]}")
            for c in range(n_cols)] for r in range(n_rows)]
    if totals:
        for r in range(n_rows):
            reg.total(key[r][-1], key[r][:-1], name=f"row {table.index[r]}")
        for c in range(n_cols):
            reg.total(key[-1][c], [key[r][c] for r in range(n_rows - 1)], name=f"column {table.columns[c]}")
    decision = reg.solve()
    return pd.DataFrame([[decision.text(key[r][c], _format_count(v[r, c], policy)) for c in range(n_cols)]
                         for r in range(n_rows)], index=table.index, columns=table.columns)
