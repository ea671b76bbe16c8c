"""The "what the audits tell us" section of a report: it formats a :class:`~review.analyses.audit_learning.LearningSection`.

Every report that rests on audit learning (JAR, GOSE, LSCB checklist, the cycle summary) shows the
same section through :func:`section`. It computes nothing. Theme rates count audited files (each
a child's file), so a published page shows each through the disclosure rules (those that are the
section's own decided in :mod:`review.results.learning`):

- a theme's strength and concern rates: each "k of n files" suppressed on its own (a file is
  never both, and files with neither are not shown, so one cannot be worked out from the other);
- concerns on files graded Inadequate against the rest: shown only when all four counts may be
  shown (the two add up to the theme's concerns and files, so one withheld alone could be
  worked out from the other);
- the change since last quarter: only when last quarter's figure could be shown too;
- the breakdowns by team, auditor tier and case type: each grouping in full or not at all (groups
  add up to the whole, so one withheld group could be worked out); internal pages always;
- excerpts: on a published page only those the council approved for publication and no screen
  finds anything in (:func:`review.analyses.audit_learning.excerpts`); on an internal page every
  screened (masked) excerpt, by theme, then as a strength or a concern and by field; the same words
  recorded on several files are shown once, on an internal page with the times they were
  recorded ("3×").
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from review.analyses.audit_learning import GROUPINGS, LearningSection, ThemeResult
from review.config.cycles import quarter_name
from review.protection.disclosure import DisclosurePolicy, withhold_change
from review.results.learning import grouping_withheld, inadequate_withheld
from review.stats.sampling import ProportionResult
from review.views import presentation as show

__all__ = ["HEADING", "section"]

HEADING = "What the audits tell us"


def _rate(est: ProportionResult | None, policy: DisclosurePolicy) -> str:
    if est is None:
        return "z"
    return show.rate_text(est.k, est.n, policy, interval=(est.confidence_interval.low, est.confidence_interval.high),
                          level=est.confidence_level, unit="files")


def _change(t: ThemeResult, policy: DisclosurePolicy) -> str:
    """The concern rate's change since last quarter, in words: the analysis's direction and verdict."""
    c = t.concern_change
    if c.direction == "no comparison" or t.concern is None:
        return "no comparison"
    symbol = withhold_change(policy, (t.concern.k, t.concern.n), c.before)
    if symbol:
        return symbol
    if c.verdict is None:
        return c.direction
    return f"{'more' if c.direction == 'rose' else 'less'} often a concern ({c.verdict}; beyond chance)"


def _inadequate(t: ThemeResult, policy: DisclosurePolicy) -> str:
    """Concerns on files graded Inadequate against the rest, all four counts or none."""
    a, b = t.concern_inadequate, t.concern_rest
    if a is None or b is None or t.inadequate_difference is None:
        return "z"
    if inadequate_withheld(t, policy):
        return "c"
    d = t.inadequate_difference
    lo, hi = d.confidence_interval.low, d.confidence_interval.high
    words = ("more often on Inadequate files" if lo > 0 else "less often on Inadequate files" if hi < 0 else
             "no clear difference")
    return (f"{words}: {show.rate_text(a.k, a.n, policy, unit='files')} against "
            f"{show.rate_text(b.k, b.n, policy, unit='files')}")


def _themes(sec: LearningSection, policy: DisclosurePolicy) -> HTML:
    rows = [{"Theme": t.theme, "What it covers": t.definition, "A strength on": _rate(t.strength, policy),
             "A concern on": _rate(t.concern, policy), "Concern since last quarter": _change(t, policy),
             "Concern on Inadequate files against the rest": _inadequate(t, policy)}
            for t in sec.result.themes]
    return show.table(pd.DataFrame(rows), caption=f"Practice themes auditors recorded, {quarter_name(sec.result.cycle)}: "
                      "files on which each was a strength or a concern, of the files with learning recorded",
                      uid="learning_themes", policy=policy, nocount=["Theme", "What it covers"])


def _groups(sec: LearningSection, policy: DisclosurePolicy) -> list[str]:
    parts = []
    themes = [t.theme for t in sec.result.themes]
    for words, _ in GROUPINGS:
        groups = [g for g in sec.result.groups if g.by == words]
        if not groups:
            continue
        if grouping_withheld(groups, policy):
            parts.append(show.note(f"Concerns by {words}: withheld, because some groups are small (groups add up to "
                                   "the whole, so none is shown).").data)
            continue
        frame = pd.DataFrame([{words.capitalize(): g.group, "Files with learning": f"{g.files:,}",
                               **{t: f"{c:,}" for t, c in g.concerns}} for g in groups], columns=[
            words.capitalize(), "Files with learning", *themes])
        parts.append(show.table(frame, caption=f"Files on which each theme was a concern, by {words}",
                                uid=f"learning_by_{words.replace(' ', '_')}", policy=policy,
                                nocount=[words.capitalize()], cross=True).data)
    return parts


def _excerpts(sec: LearningSection, policy: DisclosurePolicy) -> list[str]:
    if not sec.published:
        head = ("Auditors' words by theme, screened: anything that may identify a person is masked "
                "([name], [date] ...); the same words recorded on several files are shown once, with the times "
                "they were recorded (3×). Internal page: rows marked * are approved for publication.")
    elif not sec.approved:
        head = ("No excerpt is approved for publication this quarter (approved_for_publication in audit_learning): "
                "auditors' words are shown on internal pages only.")
    else:
        head = (f"Excerpts the council approved for publication, each screened again before it is shown: "
                f"{sec.approved - sec.stopped:,} of {sec.approved:,} approved rows shown"
                + ("; the others are kept off this page because a screen found what may identify a person."
                   if sec.stopped else "."))
    parts = [show.note(show.nocount(head)).data]
    # theme -> (side, field) -> the excerpt's words (the same words told apart by case, spacing and
    # a final stop only are one; approved or not) -> [their first wording, times recorded]
    by_theme: dict[str, dict[tuple[str, str], dict[tuple[str, bool], list]]] = {}
    for e in sec.excerpts:
        side = "concern" if e.concern else "strength"
        words = (" ".join(e.text.split()).rstrip(" .").casefold(), e.approved and not sec.published)
        seen = by_theme.setdefault(e.theme, {}).setdefault((side, e.field), {}).setdefault(words, [e.text, 0])
        seen[1] += 1
    for theme, fields in by_theme.items():
        lists = "".join(
            f"<li>{side.capitalize()}s, {html.escape(field)}:<ul>"
            + "".join(f"<li>{f'{times}× ' if times > 1 and not sec.published else ''}"
                      f"&ldquo;{html.escape(text)}&rdquo;{' *' if approved else ''}</li>"
                      for (_, approved), (text, times) in texts.items())
            + "</ul></li>" for (side, field), texts in fields.items())
        parts.append(f"<p data-review-nocount><strong>{html.escape(theme)}</strong></p>"
                     f"<ul data-review-nocount>{lists}</ul>")
    return parts


def section(sec: LearningSection | None, policy: DisclosurePolicy) -> HTML:
    """The "what the audits tell us" section: themes as strengths and concerns, their change and
    link to Inadequate grades, recurring concerns without an action, breakdowns and excerpts.

    Parameters
    ----------
    sec : LearningSection or None
        The report's learning section (None: the report was not computed for a page).
    policy : DisclosurePolicy

    Returns
    -------
    IPython.display.HTML
    """
    if sec is None:
        return HTML("")
    r = sec.result
    heading = f"<h3>{HEADING}</h3>"
    if not r.files:
        return HTML(heading + show.note(f"No audit learning was recorded on this quarter's audits "
                                        f"({quarter_name(r.cycle)}): the workbook has no analysed practice "
                                        "themes to report.").data)
    files = show.rate_text(r.moderated, r.files, policy, unit="files")
    lead = (f"Auditors recorded practice themes, as strengths and as concerns, on the files audited in "
            f"{quarter_name(r.cycle)}. Each file counts once; where a moderator re-audited a file, the moderator's "
            f"learning prevails (files with the moderator's learning: {files}).")
    recurring = (f"Recurring concerns with no action in the register (a concern more often than a strength in "
                 f"each of the last three quarters): {', '.join(r.recurring_without_action)}."
                 if r.recurring_without_action else "No theme has recurred as a concern for three quarters without "
                 "an action in the register.")
    withheld = (f"{r.withheld:,} rows of learning this quarter held text the screen found may identify a person: "
                "they are never published." if r.withheld else "")
    parts = [heading, show.note(lead).data, _themes(sec, policy).data, show.note(show.nocount(recurring)).data]
    if withheld:
        parts.append(show.note(show.nocount(withheld)).data)  # rows of learning are things, not people
    parts += _groups(sec, policy)
    parts += _excerpts(sec, policy)
    return HTML("".join(parts))
