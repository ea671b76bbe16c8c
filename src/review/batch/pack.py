"""The board pack: one A4 PDF of a cycle's reports for one audience, written beside them.

``review pack --cycle 2009-Q4`` prints, in order: a front sheet (the cover: authority, quarter,
author, approver, date of report, version; and the contents with the page each section starts
on), the key messages (the run's own, from its index or summary page), the cycle summary, every
report of the audience, and a glossary of terms and symbols with the run's provenance.

Every page is printed from the HTML the batch wrote, as it is, with the pack's print stylesheet
added (``templates/pack.css``: compact type, one disclosure footnote per report); nothing is
computed again. A published pack is made only from reports the publish gate passed: the run's
manifest must record every report as passed, and each page is checked again as the gate checks
it (so a page edited since the run is refused too). The pages are printed twice: once to count
each section's pages, once with the contents' page numbers and a running "Page n of N"
(:func:`build_pack`). Why Chromium, through playwright: ``docs/pack.md``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.batch.pack_engine import check_engine, destination_page, join_pdfs, page_count, printer
from review.batch.pack_pages import (
    CONTENTS_LINK,
    KEY_MESSAGES_TARGET,
    Entry,
    PageFrame,
    front_page,
    glossary_page,
    head_styles,
    key_messages,
    pack_stylesheet,
)
from review.batch.safety import private_temp_dir
from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS
from review.config.paths import cycle_folder, project_root
from review.exceptions import ParameterError
from review.protection.pseudonym import resolve_key
from review.protection.publish_gate import BLOCKING_KINDS
from review.protection.report_check import check_file, raw_identifiers
from review.protection.run_context import RunContext

__all__ = ["Pack", "Section", "build_pack", "pack_path", "pack_reports"]

_PASSES = 3
"""Printings of the pack at most: the second has the page numbers; a third only if they changed a page count."""


@dataclass(frozen=True)
class Section:
    """One section of the pack: its title in the contents and the HTML file it is printed from."""

    title: str
    path: Path


@dataclass(frozen=True)
class Pack:
    """A written board pack.

    Attributes
    ----------
    path : pathlib.Path
        The PDF.
    pages : int
        Its number of A4 pages.
    starts : tuple of (str, int)
        Each section's title and the page it starts on (1-based), in order, as the contents print them.
    """

    path: Path
    pages: int
    starts: tuple[tuple[str, int], ...]


def pack_path(folder: Path, cycle: str, audience: str) -> Path:
    """Where a cycle's pack is written: in the audience's cycle folder, beside the reports.

    Examples
    --------
    >>> pack_path(Path("outputs/2009-Q4"), "2009-Q4", "published").as_posix()
    'outputs/2009-Q4/board-pack-2009-Q4.pdf'
    >>> pack_path(Path("outputs/internal/2009-Q4"), "2009-Q4", "internal").name
    'board-pack-2009-Q4-internal.pdf'
    """
    return folder / f"board-pack-{cycle}{'-internal' if audience == 'internal' else ''}.pdf"


def _manifest(folder: Path, cycle: str, audience: str) -> dict[str, Any]:
    """The run's manifest, or a plain refusal when the folder holds no complete run of the cycle."""
    command = f"review run --cycle {cycle}" + (" --audience internal" if audience == "internal" else "")
    path = folder / "manifest.json"
    if not folder.is_dir():
        raise ParameterError(f"no {audience} reports for cycle {cycle} in {folder}: run `{command}` first")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ParameterError(f"{path} is missing or unreadable, so {folder} is not a complete run of the batch: "
                             f"run `{command} --force`") from None
    if not isinstance(manifest, dict) or manifest.get("cycle") != cycle or not isinstance(manifest.get("notebooks"),
                                                                                           list):
        raise ParameterError(f"{path} is not the manifest of a run of cycle {cycle}: run `{command} --force`")
    return manifest


def pack_reports(folder: Path, cycle: str, audience: str) -> tuple[dict[str, Any], list[str]]:
    """The run's manifest and the reports a pack is printed from, the summary first, the others in the
    index's order.

    Parameters
    ----------
    folder : pathlib.Path
        The audience's cycle folder.
    cycle, audience : str

    Returns
    -------
    tuple of (dict, list of str)
        The manifest and the reports' names (their pages are ``<name>.html``).

    Raises
    ------
    ParameterError
        If the folder holds no complete run; for the published audience, also if the manifest
        records a report the publish gate did not pass (failed or withheld), or the folder holds a
        page the run did not write.
    """
    manifest = _manifest(folder, cycle, audience)
    outcomes = {str(n.get("framework")): str(n.get("status")) for n in manifest["notebooks"]}
    missing = [name for name in outcomes if not (folder / f"{name}.html").is_file()]
    if missing:
        raise ParameterError(f"{folder} lacks the page of {', '.join(missing)}, which its run wrote: run the cycle "
                             "again with --force")
    if audience == "published":
        failed = [name for name, status in outcomes.items() if status != "ok"]
        if failed or manifest.get("status") != "ok":
            raise ParameterError(
                f"the published pack is made only from reports the publish gate passed; in {folder} these did not "
                f"(failed or withheld): {', '.join(failed) or 'the run as a whole'}. Fix the cause and run "
                f"`review run --cycle {cycle} --force` again")
        unknown = sorted(p.name for p in folder.glob("*.html") if p.stem not in outcomes and p.name != "index.html")
        if unknown:
            raise ParameterError(f"{folder} holds pages its run did not write ({', '.join(unknown)}); the published "
                                 "pack is made only from pages the publish gate passed: remove them or run the "
                                 "cycle again with --force")
    summaries = [n for n in outcomes if n in FRAMEWORKS and FRAMEWORKS[n].after_others]
    return manifest, summaries + [n for n in outcomes if n not in summaries]


def _check_again(folder: Path, names: Sequence[str], context: RunContext) -> None:
    """Check each published page as the publish gate checked it; refuse the pack if one fails now
    (a page changed since the run)."""
    identifiers = raw_identifiers(context.data_dir)
    key, _ = resolve_key(context.data_dir, context.key_source)
    threshold = int(context.params.common["suppression_threshold"])
    failing = []
    for name in [*names, "index"]:
        findings = check_file(folder / f"{name}.html", identifiers=identifiers, threshold=threshold,
                              audience="published", key=key)
        kinds = sorted({f.kind for f in findings if f.kind in BLOCKING_KINDS})
        if kinds:
            failing.append(f"{name}.html ({', '.join(kinds)})")
    if failing:
        raise ParameterError(f"the published pack is made only from pages the publish gate passed, and these no "
                             f"longer pass its check: {'; '.join(failing)}. Run the cycle again with --force")


def _key_messages(folder: Path, names: Sequence[str]) -> tuple[str, str]:
    """The run's key messages, from its index, else from its summary page, and that page's styles."""
    for page in ["index.html", *(f"{n}.html" for n in names[:1])]:
        path = folder / page
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        found = key_messages(text)
        if found:
            return found, head_styles(text)
    raise ParameterError(f"the pages in {folder} carry no key messages (a section labelled \"key-messages\" or headed "
                         "\"Key messages\" on the index or the cycle summary), which open the pack: run the cycle again "
                         "with this version of review (`review run --cycle ... --force`)")


def build_pack(context: RunContext, *, output_root: Path | None = None, browser: str | None = None,
               out: Path | None = None) -> Pack:
    """Print a cycle's board pack for the context's audience, beside its reports.

    Parameters
    ----------
    context : RunContext
        The cycle's run context (:func:`review.protection.run_context.run_context`) with the audience
        of the pack: its parameters give the authority and the ``report:`` section, its evidence
        folder the identifiers and key the published pages are checked against.
    output_root : pathlib.Path, optional
        Where the cycle folders are; default ``outputs/`` under the project root.
    browser : str, optional
        The browser to print with (:func:`review.batch.pack_engine.printer`).
    out : pathlib.Path, optional
        Where to write the PDF; default :func:`pack_path` in the audience's cycle folder.

    Returns
    -------
    Pack

    Raises
    ------
    ParameterError
        If the reports cannot make a pack (:func:`pack_reports`, no key messages, a published page
        that no longer passes the gate's check).
    review.batch.pack_engine.EngineMissing
        If playwright, pypdf or a browser is missing.
    """
    params, cycle, audience = context.params, context.cycle, context.audience
    check_engine(browser)  # before the pages are read and checked again
    folder = cycle_folder(output_root or project_root() / "outputs", cycle, audience)
    manifest, names = pack_reports(folder, cycle, audience)
    if audience == "published":
        _check_again(folder, names, context)
    messages, styles = _key_messages(folder, names)
    frame = PageFrame(f"Board pack, {quarter_label(cycle)}", audience, context.synthetic)
    reports = [Section(_title(folder / f"{n}.html", n), folder / f"{n}.html") for n in names]
    work = private_temp_dir()
    try:
        glossary = work / "glossary.html"
        used = "\n".join([messages, *(s.path.read_text(encoding="utf-8") for s in reports)])  # what the pack prints
        glossary.write_text(glossary_page(frame, context.policy.symbols, manifest, used), encoding="utf-8")
        sections = [*reports, Section("Glossary of terms and symbols", glossary)]
        front = work / "front.html"

        def write_front(key_page: int | None, starts: Sequence[int | None]) -> None:
            entries = [Entry("Key messages", key_page, KEY_MESSAGES_TARGET),
                       *(Entry(s.title, p) for s, p in zip(sections, starts, strict=True))]
            front.write_text(front_page(frame, authority=str(params.common.get("authority", "")),
                                        quarter=quarter_name(cycle), cycle=cycle, meta=params.report,
                                        contents=entries, messages=messages, styles=styles), encoding="utf-8")

        printed, key_page, starts = _print_twice(browser, front, write_front, sections)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pages = [key_page, *starts[1:-1]]  # as the contents print them
    pdf = join_pdfs(printed, bookmarks=[("Cover and contents", 0), ("Key messages", key_page - 1),
                                        *((s.title, p - 1) for s, p in zip(sections, starts[1:-1], strict=True))],
                    links={KEY_MESSAGES_TARGET: key_page - 1,
                           **{f"{CONTENTS_LINK}{i}": p - 1 for i, p in enumerate(pages)}},
                    metadata={"/Title": f"Safeguarding quality assurance board pack, {quarter_name(cycle)}",
                              "/Author": params.report.author, "/Subject": f"cycle {cycle}, {audience} audience"})
    target = out or pack_path(folder, cycle, audience)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(pdf)
    partial.replace(target)
    titles = ["Key messages", *(s.title for s in sections)]
    return Pack(target, starts[-1] - 1, tuple(zip(titles, pages, strict=True)))


def _print_twice(browser: str | None, front: Path,
                 write_front: Callable[[int | None, Sequence[int | None]], None],
                 sections: Sequence[Section]) -> tuple[list[bytes], int, list[int]]:
    """Print the front sheet and the sections until their page counts settle: the first printing counts
    the pages, the second numbers them and fills the contents.

    Returns
    -------
    tuple
        The printed PDFs (front sheet first), the page the key messages start on, and the first
        page of the front sheet and of each section, then one past the last page.
    """
    counts: list[int] | None = None
    key_page: int | None = None
    with printer(browser) as engine:
        for _ in range(_PASSES):
            starts = _starts(counts, len(sections))
            write_front(key_page, starts[1:-1])
            total = int(starts[-1] or 1) - 1 if counts else None
            printed = [engine.pdf(path.as_uri(), _numbering(start, total))
                       for path, start in zip([front, *(s.path for s in sections)], starts[:-1], strict=True)]
            now = [page_count(pdf) for pdf in printed]
            found = destination_page(printed[0], KEY_MESSAGES_TARGET)
            if now == counts and found == key_page:
                return printed, int(key_page or 1), [int(p or 0) for p in starts]
            counts, key_page = now, found
    raise RuntimeError("the pack's page numbers did not settle")  # a page count kept changing


def _starts(counts: list[int] | None, n_sections: int) -> list[int | None]:
    """The first page of the front sheet and of each section, then one past the last page; None where
    not yet known (before the first printing).

    >>> _starts([1, 2, 3], 2)
    [1, 2, 4, 7]
    >>> _starts(None, 2)
    [1, None, None, None]
    """
    if counts is None:
        return [1, *([None] * (n_sections + 1))]
    out: list[int | None] = [1]
    for n in counts:
        out.append(int(out[-1] or 0) + n)
    return out


def _numbering(start: int | None, total: int | None) -> str:
    """The pack's stylesheet, with the page numbers running on from ``start`` out of ``total``.

    >>> "counter-reset: page 6" in _numbering(7, 24), "of 24" in _numbering(7, 24)
    (True, True)
    """
    reset = (start or 1) - 1
    of = f' " of {total}"' if total else ""
    return (f"{pack_stylesheet()}\nhtml {{ counter-reset: page {reset}; }}\n"
            f'@page {{ @bottom-right {{ content: "Page " counter(page){of}; font: 8pt system-ui, Arial, sans-serif; '
            "color: #333; } }\n")


def _title(page: Path, name: str) -> str:
    """A report's title in the contents: its framework's, else its page's ``<title>``."""
    if name in FRAMEWORKS:
        return FRAMEWORKS[name].title
    text = page.read_text(encoding="utf-8")
    start, end = text.find("<title>"), text.find("</title>")
    return text[start + 7:end].strip() if 0 <= start < end else name
