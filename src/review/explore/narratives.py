"""The narratives explorer: auditors' words filtered by theme, team, tier, grade and quarter (internal only).

Each row is one row of a file's prevailing learning (``audit_learning``; a moderator's where the
moderator recorded learning, as the analysis and the internal pages' excerpts read it:
:func:`review.analyses.audit_learning.prevailing_audits`), joined to its audit: the quarter, the
theme and whether it was a strength or a concern, the file's team, the tier of the auditor whose
learning it is, that audit's overall grade, and the file (its first audit) and case as pseudonyms (as
on internal pages). Its free text is the text as screened at load (:func:`review.protection.text_screen.screen_learning`,
called by :func:`review.protection.pseudonym.pseudonymise`): a row in which the screen found what may
identify a person is shown, and exported, only with each finding masked (``[name]``, ``[nhs]`` ...),
never raw. Evidence that was not screened and pseudonymised at load is refused.

The narratives are for the internal audience only. Under the published audience the explorer shows
no narrative and no count: published pages show only the excerpts the council approved for
publication, each screened again (:func:`review.analyses.audit_learning.excerpts`).

The logic is in :class:`NarrativeState` (tested without widgets); :func:`narrative_explorer` wires
drop-downs to it, and returns None in batch runs (``REVIEW_BATCH=1``), so nothing reaches a report.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import display

from review.analyses.audit_learning import FIELD_WORDS, prevailing_audits
from review.analyses.context import Context
from review.config.cycles import quarter_label
from review.data.load import Evidence
from review.data.schema import LEARNING_TEXT
from review.exceptions import ReviewError
from review.explore.export import code_commit, export_tables, saved_link
from review.explore.keyboard import KEYBOARD_JS, ROOT_CLASS, STATUS_CLASS
from review.explore.lenses import ALL, apply_selection, grade_order, options, ordered, tier_label
from review.explore.tables import Shown
from review.explore.widgets import is_interactive, quarter_options, quarter_words
from review.protection.disclosure import DisclosurePolicy
from review.protection.text_screen import WITHHELD
from review.views import presentation as show

__all__ = ["FILTERS", "INTERNAL_ONLY", "NO_LEARNING", "NarrativeState", "narrative_explorer", "narratives"]

FILTERS = (("cycle", "quarter"), ("theme", "theme"), ("side", "strength or concern"), ("team", "team"),
           ("tier", "tier"), ("grade", "grade"))
"""Each filter's column and label, in the order the drop-downs are shown."""

INTERNAL_ONLY = ("Auditors' narratives are for the internal audience only. Published pages show only "
                 "the excerpts the council approved for publication, each screened again before it is shown. "
                 "To read the narratives, run the notebook with audience 'internal' in its parameters cell.")
NO_LEARNING = "No auditors' narratives: the evidence holds no audit_learning on its audits."
BANNER = ("INTERNAL: auditors' narratives, screened at load (anything that may identify a person is masked: "
          "[name], [date], [nhs] ...), audits and cases as pseudonyms. Not for circulation outside the council.")
BASIS = ("Each file's prevailing learning (a moderator's where the moderator recorded learning, as the report's "
         "analysis reads it); team: the file's; tier and grade: the audit whose learning it is. Free text as "
         "screened at load: a row with a finding is shown only with the finding masked.")
_SHOWN = {"quarter": "quarter", "theme": "theme", "side": "strength or concern", "team": "team", "tier": "tier",
          "grade": "grade", "audit_id": "file (its first audit, pseudonym)", "case_ref": "case (pseudonym)",
          **FIELD_WORDS, WITHHELD: "screen"}
"""The columns shown and exported, in order, with their headings."""


def narratives(evidence: Evidence) -> pd.DataFrame:
    """Every quarter's prevailing learning, one row per ``audit_learning`` row, joined to its audit.

    Parameters
    ----------
    evidence : Evidence
        Pseudonymised and screened at load (:func:`review.protection.pseudonym.pseudonymise`).

    Returns
    -------
    pandas.DataFrame
        ``cycle``, ``theme``, ``side`` (``strength`` or ``concern``), ``team``, ``tier`` (spelt out),
        ``grade`` (ordered as the grade scales list them), ``audit_id`` (the file: its first audit) and
        ``case_ref`` (pseudonyms),
        the free-text columns (masked where the screen found something) and ``withheld``; in quarter
        order, then the evidence's. Empty when the folder holds no learning.

    Raises
    ------
    ReviewError
        When the evidence was not pseudonymised, or its learning not screened, at load.

    Examples
    --------
    A1 records a concern; M1, a Service Manager's moderation of A1, records a strength, and prevails.

    >>> from types import MappingProxyType
    >>> audits = pd.DataFrame({"audit_id": ["A1", "M1"], "cycle": "2009-Q3", "case_ref": "C1", "team": ["N", "S"],
    ...     "auditor_tier": ["TM", "SM"], "moderation_of": [None, "A1"], "grade_scale": "s",
    ...     "overall_grade": ["Inadequate", "Adequate"]})
    >>> learning = pd.DataFrame({"audit_id": ["A1", "M1"], "theme": "planning", "narrative": ["No plan.", "Plan fine."],
    ...     "strength_or_concern": ["concern", "strength"], "withheld": False})
    >>> ev = Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {}, (), key_source="k")
    >>> narratives(ev)[["cycle", "side", "team", "tier", "grade", "narrative"]].to_dict("records")
    [{'cycle': '2009-Q3', 'side': 'strength', 'team': 'N', 'tier': 'Service Manager (SM)', 'grade': 'Adequate', \
'narrative': 'Plan fine.'}]
    """
    columns = ["cycle", "theme", "side", "team", "tier", "grade", "audit_id", "case_ref", *LEARNING_TEXT, WITHHELD]
    learning, audits = evidence.tables.get("audit_learning"), evidence.tables.get("audits")
    if learning is None or audits is None:
        return pd.DataFrame(columns=columns)
    if not evidence.key_source or WITHHELD not in learning.columns:
        raise ReviewError("the narratives explorer reads evidence as loaded for a notebook (pseudonymised, its free "
                          "text screened: review.analyses.context.load_pseudonymised); this evidence was not")
    by_id = audits.set_index("audit_id")
    rows = []
    for cycle in sorted(audits["cycle"].dropna().unique()):
        chosen = prevailing_audits(audits[audits["cycle"] == cycle], learning)  # prevailing audit -> file
        mine = learning[learning["audit_id"].isin(chosen)]
        for r in mine.to_dict("records"):
            audit, file = by_id.loc[r["audit_id"]], by_id.loc[chosen[r["audit_id"]]]
            rows.append({"cycle": cycle, "theme": r["theme"], "side": r["strength_or_concern"], "team": file.get("team"),
                         "tier": tier_label(audit["auditor_tier"]), "grade": audit.get("overall_grade"),
                         "audit_id": chosen[r["audit_id"]], "case_ref": file.get("case_ref"),
                         **{c: r.get(c) for c in LEARNING_TEXT}, WITHHELD: bool(r[WITHHELD])})
    frame = pd.DataFrame(rows, columns=columns)
    frame["grade"] = ordered(frame["grade"], grade_order(evidence, audits.get("grade_scale", pd.Series())))
    return frame


class NarrativeState:
    """What the narratives explorer shows for its current filters, without any widget.

    Parameters
    ----------
    evidence : Evidence
        Pseudonymised and screened at load.
    cycle : str
        The notebook's quarter: the quarter filter opens on it.
    policy : DisclosurePolicy
        The notebook's: under the published audience nothing is shown.
    """

    def __init__(self, evidence: Evidence, cycle: str, policy: DisclosurePolicy) -> None:
        self.published = policy.audience == "published"
        self.audience = policy.audience
        self.table = pd.DataFrame() if self.published else narratives(evidence)
        self.selection = {column: ALL for column, _ in FILTERS}
        if not self.published and cycle in set(self.table["cycle"]):
            self.selection["cycle"] = cycle

    @classmethod
    def of(cls, ctx: Context) -> NarrativeState:
        """The state of a notebook's context."""
        return cls(ctx.evidence, ctx.cycle, ctx.policy)

    def dimensions(self) -> list[tuple[str, str, list[str]]]:
        """``(column, label, options)`` of each filter; none under the published audience."""
        return [] if self.published else [(c, label, options(self.table, c)) for c, label in FILTERS]

    def rows(self) -> pd.DataFrame:
        """The narratives matching every filter (internal audience only)."""
        if self.published:
            raise PermissionError(INTERNAL_ONLY)
        return apply_selection(self.table, self.selection)

    def shown(self) -> Shown:
        """The matching narratives as shown and exported: quarters named as the pages name them, a
        flagged row's text masked (as screened at load), the screen's verdict in words."""
        rows = self.rows()
        frame = rows.assign(quarter=rows["cycle"].map(quarter_label),
                            withheld=rows[WITHHELD].map({True: "finding masked", False: "nothing found"}))
        frame = frame[list(_SHOWN)].rename(columns=_SHOWN).astype(object)
        return Shown(frame.where(frame.notna(), "").reset_index(drop=True), {}, len(rows))

    def filters(self) -> dict[str, str]:
        """Every filter but the quarter (the export names the quarter as its cycle), by label."""
        return {label: self.selection[c] for c, label in FILTERS if c != "cycle"}

    def caption(self, count: int) -> str:
        """The count matched, and of what."""
        return f"{count:,} narrative{'s' if count != 1 else ''} matched ({quarter_words(self.selection['cycle'])})"

    def html(self) -> str:
        """The explorer's body as HTML: under the published audience only :data:`INTERNAL_ONLY`."""
        if self.published:
            return show.note(INTERNAL_ONLY).data
        if self.table.empty:
            return show.note(NO_LEARNING).data
        table = self.shown()
        caption = self.caption(len(table.frame))
        if table.empty:
            return show.note(f"{caption}: nothing to show or export.").data
        return show.table(table.frame, caption=caption, uid="explore-narratives").data + show.note(BASIS).data

    def export(self, fmt: str = "xlsx", *, folder: str | Path = "outputs/explore",
               now: dt.datetime | None = None) -> Path:
        """Write the matching narratives (as shown: masked where flagged) with an ``about`` sheet."""
        table = self.shown()
        quarter = self.selection["cycle"]
        about = {"caption": self.caption(len(table.frame)), "basis": BASIS,
                 "quarter": quarter_words(quarter), "commit": code_commit()}
        return export_tables({"narratives": table}, framework="audit_learning", cycle=quarter.replace(ALL, "all"),
                             audience=self.audience, filters=self.filters(), about=about, fmt=fmt, folder=folder,
                             now=now)


def narrative_explorer(ctx: Context) -> Any:
    """The narratives explorer of a notebook; None in batch runs (so nothing is displayed).

    Parameters
    ----------
    ctx : Context
        The notebook's context: its evidence, quarter and policy.

    Returns
    -------
    ipywidgets.VBox or None
    """
    if not is_interactive():
        return None
    state = NarrativeState.of(ctx)
    banner, body, status, saved = w.HTML(), w.HTML(), w.HTML(), w.Output()
    status.add_class(STATUS_CLASS)
    if state.published:
        body.value = state.html()
        box = w.VBox([body])
        box.add_class(ROOT_CLASS)
        return box
    banner.value = (f'<div class="review-narratives-banner" style="padding:4px 8px;border:2px solid #b00020"><b>'
                    f'{html.escape(BANNER)}</b></div>')

    def render() -> None:
        saved.clear_output()
        body.value = state.html()
        status.value = html.escape(f"Table updated: {state.caption(len(state.rows()))}.")

    def choose(column: str, value: str) -> None:
        state.selection[column] = value
        render()

    pickers = []
    for column, label, values in state.dimensions():
        picker = w.Dropdown(options=quarter_options(values) if column == "cycle" else values,
                            value=state.selection[column], description=label)
        picker.observe(lambda change, c=column: choose(c, change["new"]), names="value")
        pickers.append(picker)
    # not "Export Excel": a notebook's framework explorer, above this one, has that button
    button = w.Button(description="Export narratives (Excel)", icon="download")

    def on_export(_: object) -> None:
        saved.clear_output()
        with saved:
            display(saved_link(state.export))

    button.on_click(on_export)
    render()
    box = w.VBox([banner, w.HBox(pickers, layout=w.Layout(flex_flow="row wrap")), status, body, button, saved])
    box.add_class(ROOT_CLASS)
    display(KEYBOARD_JS)
    return box
