"""The JAR stocktake's published evidence lines: partner agencies published together where one
agency's line is too small (aggregate before withholding).

Multi-agency audits give one line per agency and criterion; a handful of files audited by one
health agency would be withheld (``c``). A published page shows, for such a criterion, every
agency's files together (their counts summed: each file is audited by one agency), so the line
can be shown; only a merged line that is still too small is withheld. Every agency auditing the
criterion is merged, so none can be recovered as the merged line less the others. The finding's
judgement is made on the agencies' own lines, as in the internal report, and is shown marked
"small group" where one of them is withheld.
"""

from __future__ import annotations

from collections.abc import Sequence

from review.analyses.judgement import EvidenceLine, Rates
from review.protection.disclosure import DisclosurePolicy

__all__ = ["MULTI_AGENCY", "published_lines"]

MULTI_AGENCY = "multi-agency audit"


def _criterion(line: EvidenceLine) -> tuple[str, str]:
    """A multi-agency line's agency and criterion (its source reads 'agency: criterion')."""
    agency, _, criterion = line.source.partition(": ")
    return agency, criterion


def published_lines(lines: Sequence[EvidenceLine], policy: DisclosurePolicy, rates: Rates) -> tuple[EvidenceLine, ...]:
    """The evidence lines a published page shows: for each criterion of the multi-agency audits
    on which some agency's line would be withheld, one line of every agency's files together, in
    the place of the first; every other line as it is. Internally, the lines as they are.

    Examples
    --------
    >>> from review.analyses.judgement import Rates
    >>> rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    >>> lines = [rates.line(MULTI_AGENCY, "Acute trust: shared promptly", (2, 3), None, "files"),
    ...          rates.line(MULTI_AGENCY, "Primary care: shared promptly", (9, 12), None, "files"),
    ...          rates.line("audit", "case file audits: plan", (30, 40), None, "files")]
    >>> [(ln.source, ln.k, ln.n) for ln in published_lines(lines, DisclosurePolicy(), rates)]
    [('partner agencies together (Acute trust, Primary care): shared promptly', 11, 15), ('case file audits: plan', 30, 40)]
    """
    if not policy.suppress:
        return tuple(lines)
    groups: dict[str, list[EvidenceLine]] = {}
    for ln in lines:
        if ln.kind == MULTI_AGENCY:
            groups.setdefault(_criterion(ln)[1], []).append(ln)
    merged = {c: g for c, g in groups.items()
              if len(g) > 1 and any(policy.withhold(ln.k, of=ln.n) for ln in g)}
    out: list[EvidenceLine] = []
    done: set[str] = set()
    for ln in lines:
        criterion = _criterion(ln)[1] if ln.kind == MULTI_AGENCY else None
        if criterion is None or criterion not in merged:
            out.append(ln)
            continue
        if criterion in done:
            continue
        done.add(criterion)
        group = merged[criterion]
        befores = [g.change.before for g in group]
        before = (sum(b[0] for b in befores if b), sum(b[1] for b in befores if b)) if all(befores) else None
        names = ", ".join(_criterion(g)[0] for g in group)
        out.append(rates.line(MULTI_AGENCY, f"partner agencies together ({names}): {criterion}",
                              (sum(g.k for g in group), sum(g.n for g in group)), before, group[0].unit))
    return tuple(out)
