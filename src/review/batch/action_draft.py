"""``review actions propose``: a draft of new actions for the QA lead to edit, as an Excel workbook.

One row per item red this cycle that has no open action, in the columns of the ``actions``
register, so the edited rows can be merged into it (``review actions merge DRAFT``). Every
framework's red items count, the GOSE performance-management framework's included, as the
cycle's pages show them (with the params file's audience and thresholds: an item whose band a
published page withholds is not drafted), and never a heading that its sub-items summarise
(the LSCB checklist's "Quality Assurance"). Each row suggests an owner role: the role that owned
the item's latest action in the register, else the role that owns most of the framework's
actions, else the framework's usual owner (:data:`DEFAULT_OWNERS`). Status, owner role and source are drop-down
lists (Excel data validation); every text cell is made inert (no formula runs); an existing file
is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from review.analyses.actions import ActionsResult
from review.analyses.context import Context
from review.analyses.gose import gose_result
from review.analyses.red_items import JUDGED_FRAMEWORKS, judged_items
from review.config.cycles import cycle_bounds, previous_cycle
from review.config.framework_items import FRAMEWORK_ITEMS
from review.config.params import CycleParams
from review.config.thresholds import declared_thresholds
from review.data import Evidence
from review.data.checks import check_actions
from review.data.io import read_table
from review.data.load import parse_dataset
from review.data.schema import ACTION_SOURCES, ACTION_STATUSES, DATASETS, OWNER_ROLES, ROW
from review.data.workbook_out import add_lists, list_rule
from review.exceptions import DataProblem, DataValidationError, ParameterError
from review.protection.disclosure import policy_of
from review.protection.safe_export import neutralise
from review.views.gose import shown_judgement

__all__ = ["DEFAULT_OWNERS", "Proposal", "carry_forward", "headings", "page_reds", "propose", "suggest_owner", "write_draft"]


@dataclass(frozen=True)
class Proposal:
    """One drafted action.

    Attributes
    ----------
    action_id, source, item, action, cycle_raised : str
    due_date : datetime.date
        The last day of the next cycle (the QA lead edits it).
    text : str
        The item in the source's words.
    red_cycles : int
        Consecutive cycles the item has been red.
    owner_role : str
        The suggested owner role (the QA lead confirms or changes it).
    owner_basis : str
        Why that role is suggested.
    """

    action_id: str
    source: str
    item: str
    action: str
    cycle_raised: str
    due_date: dt.date
    text: str
    red_cycles: int
    owner_role: str = ""
    owner_basis: str = ""


PLACEHOLDER = "Draft:"
"""How a drafted action's text starts until the QA lead writes what will be done; a row still
starting so is refused by ``review actions merge``."""

DEFAULT_OWNERS = {"jar_haringey": "AD", "healthcare_commission": "Designated Nurse",
                  "lscb_checklist": "LSCB business manager", "governance": "AD", "gose_performance": "SM"}
"""The role that usually owns a framework's actions, suggested when the register has no action of
it yet: senior officers for the JAR findings and the governance exercise, the Designated Nurse (the
Healthcare Commission's lead role) for its issues, the LSCB's business manager for its checklist,
the senior manager who owns the returns for the GOSE framework."""


def headings(framework: str) -> frozenset[str]:
    """A framework's heading items: those its sub-items are summarised under (never drafted).

    >>> sorted(headings("lscb_checklist"))
    ['L4']
    """
    return frozenset(i.parent for i in FRAMEWORK_ITEMS.get(framework, ()) if i.parent)


def suggest_owner(register: pd.DataFrame, framework: str, item: str) -> tuple[str, str]:
    """A role to own a new action on an item, and why it is suggested.

    >>> import pandas as pd
    >>> reg = pd.DataFrame({"source": ["jar_haringey"], "item": ["J02"], "owner_role": ["SM"],
    ...                     "cycle_raised": ["2009-Q1"], "action_id": ["A1"]})
    >>> suggest_owner(reg, "jar_haringey", "J02")[0], suggest_owner(reg, "jar_haringey", "J05")[0]
    ('SM', 'SM')
    >>> suggest_owner(reg, "lscb_checklist", "L1")
    ('LSCB business manager', "the framework's usual owner")
    """
    mine = register[(register["source"] == framework) & register["owner_role"].notna()]
    same = mine[mine["item"] == item].sort_values(["cycle_raised", "action_id"], kind="stable")
    if len(same):
        return str(same["owner_role"].iloc[-1]), f"owned the item's latest action ({same['action_id'].iloc[-1]})"
    if len(mine):
        counts = mine["owner_role"].value_counts()
        return str(counts.index[0]), f"owns most of the framework's actions ({int(counts.iloc[0])})"
    return DEFAULT_OWNERS.get(framework, "QA"), "the framework's usual owner"


def propose(result: ActionsResult, existing_ids: set[str], *, register: pd.DataFrame | None = None,
            texts: Mapping[tuple[str, str], str] | None = None) -> tuple[Proposal, ...]:
    """Draft an action for every red item of the cycle without an open action.

    Ids are ``<cycle>-NN`` (``2009-Q4-01``), skipping ids the register already holds. Heading
    items (:func:`headings`) are left out.

    Parameters
    ----------
    result : ActionsResult
        The cycle's action plan (its red items with their open actions).
    existing_ids : set of str
        The register's action ids.
    register : pandas.DataFrame, optional
        The ``actions`` register, for the owner suggested (:func:`suggest_owner`).
    texts : mapping, optional
        ``(framework, item)`` -> the source's words, for items the result has no text for.

    Returns
    -------
    tuple of Proposal
        In the frameworks' and the source's order.
    """
    due = cycle_bounds(previous_cycle(result.cycle, -1))[1]  # the next cycle's last day
    register = register if register is not None else pd.DataFrame(
        columns=["source", "item", "owner_role", "cycle_raised", "action_id"])
    out, n = [], 0
    for red in result.red_items:
        if any(a.is_open for a in red.actions) or red.item_id in headings(red.framework):
            continue
        n += 1
        while f"{result.cycle}-{n:02d}" in existing_ids:
            n += 1
        owner, why = suggest_owner(register, red.framework, red.item_id)
        text = red.text or (texts or {}).get((red.framework, red.item_id), "")
        out.append(Proposal(f"{result.cycle}-{n:02d}", red.framework, red.item_id,
                            f"{PLACEHOLDER} agree what will be done about {red.item_id} (red for {red.red_cycles} "
                            f"cycle{'s' if red.red_cycles != 1 else ''})", result.cycle, due, text, red.red_cycles,
                            owner, why))
    return tuple(out)


def write_draft(proposals: tuple[Proposal, ...], out: str | Path, *, spare_rows: int = 200) -> Path:
    """Write the draft workbook; refuse to replace an existing file.

    Parameters
    ----------
    proposals : tuple of Proposal
    out : str or pathlib.Path
        A new ``.xlsx`` file.
    spare_rows : int, default: ``200``
        Empty rows below the proposals that also get the drop-down lists.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If ``out`` exists (it is never overwritten) or is not an ``.xlsx`` file.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"`--out` must be an .xlsx file; got {str(out)!r}")
    if path.exists():
        raise ParameterError(f"`--out` {path} already exists; the draft never overwrites a file (choose a new name)")
    columns = [c.name for c in DATASETS["actions"].columns]
    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(columns)
    for p in proposals:
        values = {"action_id": p.action_id, "source": p.source, "item": p.item, "action": p.action,
                  "owner_role": p.owner_role or None, "cycle_raised": p.cycle_raised, "due_date": p.due_date,
                  "status": "open"}
        sheet.append([neutralise(values.get(c)) for c in columns])
        sheet.cell(sheet.max_row, columns.index("due_date") + 1).number_format = "yyyy-mm-dd"
    refs = add_lists(book, {"status": ACTION_STATUSES, "owner_role": OWNER_ROLES, "source": ACTION_SOURCES})
    last = len(proposals) + 1 + spare_rows
    for name, ref in refs.items():
        letter = get_column_letter(columns.index(name) + 1)
        list_rule(sheet, ref, f"{letter}2:{letter}{last}", title=f"a {name.replace('_', ' ')}")
    notes = book.create_sheet("items")
    notes.append(["item", "source", "the source's words", "red for (cycles)", "owner role suggested", "because it"])
    for p in proposals:
        notes.append([neutralise(p.item), p.source, neutralise(p.text), p.red_cycles, p.owner_role,
                      neutralise(p.owner_basis)])
    with path.open("xb") as fh:  # "x": fail rather than replace a file created meanwhile
        book.save(fh)
    return path


def carry_forward(red: dict[str, frozenset[tuple[str, str]]], withheld: dict[str, frozenset[tuple[str, str]]],
                  earlier: Sequence[tuple[str, Mapping[tuple[str, str], str]]]) -> None:
    """Put the earlier runs' red and withheld items (:func:`review.batch.history.earlier_bands`) in
    place of the evidence's, in place: for a quarter a run recorded, each framework it recorded is as
    the run judged it (the rule of :mod:`review.results.history`: the run wins); a quarter the evidence
    holds and no run recorded keeps the evidence judged again; a quarter only a run holds is added, so
    a red run can start before the evidence does.

    >>> red = {"2010-Q1": frozenset({("f", "A")}), "2009-Q4": frozenset({("f", "C"), ("g", "D")})}
    >>> withheld = {"2010-Q1": frozenset(), "2009-Q4": frozenset()}
    >>> carry_forward(red, withheld, [("2009-Q4", {("f", "A"): "red", ("f", "B"): "withheld"})])
    >>> sorted(red["2009-Q4"]), sorted(withheld["2009-Q4"])
    ([('f', 'A'), ('g', 'D')], [('f', 'B')])
    """
    for cycle, bands in earlier:
        recorded = {framework for framework, _ in bands}
        kept = [k for k in red.get(cycle, frozenset()) if k[0] not in recorded]
        red[cycle] = frozenset(kept + [k for k, band in bands.items() if band == "red"])
        kept = [k for k in withheld.get(cycle, frozenset()) if k[0] not in recorded]
        withheld[cycle] = frozenset(kept + [k for k, band in bands.items() if band == "withheld"])


def page_reds(evidence: Evidence, params: CycleParams, cycles: Sequence[str]) -> tuple[
        dict[str, frozenset[tuple[str, str]]], dict[str, frozenset[tuple[str, str]]], dict[tuple[str, str], str]]:
    """Every framework's red items cycle by cycle as the cycle's pages show them, GOSE included.

    Judged with the params file's thresholds and confidence level, under the disclosure policy of its
    audience: an item whose band a published page withholds is not red here (it is in ``withheld``).

    Parameters
    ----------
    evidence : Evidence
    params : CycleParams
        The run's params file.
    cycles : sequence of str
        The cycles to judge, in order.

    Returns
    -------
    red, withheld : dict
        Cycle -> ``(framework, item id)`` pairs.
    texts : dict
        ``(framework, item id)`` -> the source's words, for the GOSE items.
    """

    common = params.common
    policy = policy_of(common)
    thresholds = {f: (params.sections[f]["rag_green"], params.sections[f]["rag_red"]) for f in JUDGED_FRAMEWORKS}
    declared = declared_thresholds(common)  # the items' own lines, as every page reads them
    red, withheld = judged_items(evidence, cycles, thresholds=thresholds,
                                 confidence_level=common["confidence_level"], declared=declared)
    red, withheld = dict(red), dict(withheld)
    gose = params.sections["gose_performance"]
    texts: dict[tuple[str, str], str] = {}
    for cycle in cycles:
        values = SimpleNamespace(confidence_level=common["confidence_level"], rag_green=gose["rag_green"],
                                 rag_red=gose["rag_red"], thresholds=declared)
        result = gose_result(Context(values, evidence, policy, cycle, previous_cycle(cycle)),  # type: ignore[arg-type]
                             learning=False)
        shown = {i.item: shown_judgement(i, policy) for i in result.items}
        texts.update({("gose_performance", i.item): i.text for i in result.items})
        red[cycle] = red[cycle] | {("gose_performance", i) for i, band in shown.items() if band == "red"}
        withheld[cycle] = withheld[cycle] | {("gose_performance", i) for i, band in shown.items() if band == "withheld"}
    return red, withheld, texts


def read_draft(draft: str | Path, evidence: Evidence) -> list[dict[str, str]]:
    """The rows of a reviewed draft, checked as the ``actions`` register is checked.

    Parameters
    ----------
    draft : str or pathlib.Path
        The ``.xlsx`` draft (``review actions propose``), edited by the QA lead.
    evidence : Evidence
        The data folder it will join (its audits, for remedial actions).

    Returns
    -------
    list of dict
        One per row, column -> text, as the register holds it (the draft's formula guard, a
        leading apostrophe, taken off).

    Raises
    ------
    DataValidationError
        Every problem of every row, with the draft's file, sheet, row and column.
    """

    path = Path(draft)
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        raise ParameterError(f"`DRAFT` must be an existing .xlsx draft (review actions propose); got {str(draft)!r}")
    raw = read_table(path, sheet="actions")
    raw = type(raw)(raw.file, raw.header, raw.cells.map(_unguard), raw.row_numbers)
    problems: list[DataProblem] = []
    frame = parse_dataset(raw, "actions", problems)
    check_actions({"actions": frame, "audits": evidence.table("audits")}, {"actions": raw.file}, problems)
    if not len(frame):
        problems.append(DataProblem(raw.file, None, None, None, "the draft has no rows to merge"))
    for row, action in zip(frame[ROW], frame["action"], strict=True):
        if isinstance(action, str) and action.startswith(PLACEHOLDER):
            problems.append(DataProblem(raw.file, int(row), "action", action[:60],
                                        "still the draft's placeholder: write what will be done, or delete the row"))
    if problems:
        raise DataValidationError(problems)
    names = [c.name for c in DATASETS["actions"].columns]
    index = {int(n): i for i, n in enumerate(raw.row_numbers)}
    position = {h.strip().lower(): k for k, h in enumerate(raw.header)}
    return [{c: raw.cells.iat[index[int(r)], position[c]].strip() if c in position else "" for c in names}
            for r in frame[ROW]]


def _unguard(text: str) -> str:
    """A cell without the apostrophe :func:`review.protection.safe_export.neutralise` put before a formula sign.

    >>> _unguard("'=SUM(1)"), _unguard("it's")
    ('=SUM(1)', "it's")
    """
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text
