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

from collections.abc import Mapping, Sequence
from typing import Any

from review.analyses.jar import JarResult
from review.analyses.judgement import EvidenceLine, Rates
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import lines_log
from review.protection.linked import LogRows

__all__ = ["MULTI_AGENCY", "PAGE", "page_log", "published_lines", "shown_lines"]

PAGE = "jar_haringey"

MULTI_AGENCY = "multi-agency audit"


def _criterion(line: EvidenceLine) -> tuple[str, str]:
    """A multi-agency line's agency and criterion (its source reads 'agency: criterion')."""
    agency, _, criterion = line.source.partition(": ")
    return agency, criterion


def published_lines(lines: Sequence[EvidenceLine], policy: DisclosurePolicy, rates: Rates,
                    sectors: Mapping[str, str] | None = None) -> tuple[EvidenceLine, ...]:
    """The evidence lines a published page shows, aggregated before anything is withheld.

    For each criterion of the multi-agency audits on which some agency's line would be withheld,
    the agencies of that line's sector (as the council's ``agencies`` dataset declares it:
    :func:`review.protection.aggregate.sector_parents`) are shown together, every other agency as
    it is; where a sector's line would still be withheld (or the agency has no sector, or is alone
    in it), every agency of the criterion is shown together instead. Every agency of a merged
    line is merged, so none can be recovered as the merged line less the others. Internally, the
    lines as they are.

    Parameters
    ----------
    lines : sequence of EvidenceLine
        A finding's lines, multi-agency ones with sources written ``agency: criterion``.
    policy : DisclosurePolicy
    rates : Rates
        The finding's thresholds and confidence level, for the merged lines.
    sectors : mapping of str to str, optional
        Agency to its sector's label (``sector_parents``); none: all agencies together.

    Returns
    -------
    tuple of EvidenceLine

    Examples
    --------
    >>> from review.analyses.judgement import Rates
    >>> rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    >>> lines = [rates.line(MULTI_AGENCY, "Acute trust: shared promptly", (2, 3), None, "files"),
    ...          rates.line(MULTI_AGENCY, "Primary care: shared promptly", (20, 30), None, "files"),
    ...          rates.line(MULTI_AGENCY, "Police: shared promptly", (15, 25), None, "files"),
    ...          rates.line("audit", "case file audits: plan", (30, 40), None, "files")]
    >>> [(ln.source, ln.k, ln.n) for ln in published_lines(lines, DisclosurePolicy(), rates)][0]
    ('partner agencies together (Acute trust, Primary care, Police): shared promptly', 37, 58)
    >>> health = {"Acute trust": "Health agencies", "Primary care": "Health agencies", "Police": "Police agencies"}
    >>> [(ln.source, ln.k, ln.n) for ln in published_lines(lines, DisclosurePolicy(), rates, health)][:2]
    [('Health agencies together (Acute trust, Primary care): shared promptly', 22, 33), ('Police: shared promptly', 15, 25)]
    """
    if not policy.suppress:
        return tuple(lines)
    groups: dict[str, list[EvidenceLine]] = {}
    for ln in lines:
        if ln.kind == MULTI_AGENCY:
            groups.setdefault(_criterion(ln)[1], []).append(ln)
    shown = {c: _shown_parts(g, policy, sectors or {}) for c, g in groups.items()
             if len(g) > 1 and any(_withheld(ln, policy) for ln in g)}
    out: list[EvidenceLine] = []
    done: set[str] = set()
    for ln in lines:
        criterion = _criterion(ln)[1] if ln.kind == MULTI_AGENCY else None
        if criterion is None or criterion not in shown:
            out.append(ln)
        elif criterion not in done:
            done.add(criterion)
            out.extend(part[0] if len(part) == 1 else _together(part, label, criterion, rates)
                       for label, part in shown[criterion])
    return tuple(out)


def _withheld(line: EvidenceLine, policy: DisclosurePolicy) -> bool:
    return bool(policy.withhold(line.k, of=line.n))


def _shown_parts(group: list[EvidenceLine], policy: DisclosurePolicy,
                 sectors: Mapping[str, str]) -> list[tuple[str, list[EvidenceLine]]]:
    """A criterion's agencies as the page shows them: (label, lines) per shown line, by sector where
    that leaves nothing withheld, else all together."""
    by_sector: dict[str, list[EvidenceLine]] = {}
    for ln in group:
        agency = _criterion(ln)[0]
        by_sector.setdefault(sectors.get(agency) or f"\0{agency}", []).append(ln)  # no sector: alone
    parts: list[tuple[str, list[EvidenceLine]]] = []
    for sector, members in by_sector.items():
        if len(members) > 1 and any(_withheld(ln, policy) for ln in members):
            parts.append((sector, members))
        else:
            parts.extend((sector, [ln]) for ln in members)
    lines_shown = [(sum(m.k for m in part), sum(m.n for m in part)) for _, part in parts]
    if len(parts) == 1 or any(policy.withhold(k, of=n) for k, n in lines_shown):
        one = {sectors.get(_criterion(ln)[0]) or "" for ln in group}  # one sector only: named by it
        label = one.pop() if len(one) == 1 else ""
        return [(label or "partner agencies", group)]
    return parts


def _together(group: list[EvidenceLine], label: str, criterion: str, rates: Rates) -> EvidenceLine:
    """One line of a group of agencies' files together (each file is audited by one agency)."""
    befores = [g.change.before for g in group]
    before = (sum(b[0] for b in befores if b), sum(b[1] for b in befores if b)) if all(befores) else None
    names = ", ".join(_criterion(g)[0] for g in group)
    return rates.line(MULTI_AGENCY, f"{label} together ({names}): {criterion}",
                      (sum(g.k for g in group), sum(g.n for g in group)), before, group[0].unit)


def shown_lines(result: JarResult, finding: Any, policy: DisclosurePolicy) -> tuple[EvidenceLine, ...]:
    """A finding's lines as the page shows them (:func:`published_lines` with the finding's own
    thresholds and the council's sectors)."""
    green, red = (finding.threshold.green, finding.threshold.red) if finding.threshold else (result.green, result.red)
    rates = Rates(confidence_level=result.confidence_level, green=green, red=red)
    return published_lines(finding.evidence, policy, rates, dict(result.sectors))


def page_log(result: JarResult, policy: DisclosurePolicy) -> LogRows:
    """The JAR page's disclosure log and the registry it decided on: every line the page shows, as
    "k of n" (:func:`review.protection.disclosure_log.lines_log`), with its change since last quarter.

    The one source of the page's registry: the page's record carries it out of the notebook for the
    run's check across pages, and the explorer's published view joins it
    (:func:`review.explore.pages.jar_page`), so a criterion's line the page withholds is never worked
    out from the explorer's figures against the page's.
    """
    return lines_log(PAGE, [(f.item.item_id, ln) for f in result.findings for ln in shown_lines(result, f, policy)],
                     policy)
