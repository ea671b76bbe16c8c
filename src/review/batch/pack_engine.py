"""Printing HTML pages to A4 PDF with an installed Chromium, Chrome or Edge, and joining the PDFs.

The browser is driven by playwright (a driver only: no browser is downloaded) and the PDFs are
read and joined with pypdf; both are in the ``pack`` extra (``pip install 'review[pack]'``), and the
browser is the one the council's laptop already has. Why this engine: ``docs/pack.md``. When
either is missing, :class:`EngineMissing` says how to get it (the command exits 2).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.exceptions import ParameterError, RunFailed

__all__ = ["BROWSER_ENV", "EngineMissing", "Printer", "check_engine", "destination_page", "join_pdfs", "page_count",
           "printer"]

BROWSER_ENV = "REVIEW_CHROMIUM"
"""An environment variable naming the browser to print with (a Chromium, Chrome or Edge executable)."""

_PATHS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge",
          "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
          "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
          "/Applications/Chromium.app/Contents/MacOS/Chromium")
"""Where a browser is looked for, after ``--browser`` and ``REVIEW_CHROMIUM``: names on PATH, then the
usual macOS places; then playwright's own lookup of an installed Chrome or Edge (Windows included)."""

_CHANNELS = ("chrome", "msedge")
_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-dev-shm-usage"]

HOW_TO_GET = ("install the pack's tools with `pip install 'review[pack]'` (playwright and pypdf; `make setup` "
              "installs them), and have Chromium, Chrome or Edge installed (Debian: `apt-get install chromium`); "
              f"name an unusual browser with --browser PATH or {BROWSER_ENV}=PATH")


class EngineMissing(ParameterError):
    """The PDF engine (playwright, pypdf or a browser) is not installed: the message says how to get it."""


def _imports() -> tuple[Any, Any]:
    """playwright's sync API and pypdf, or :class:`EngineMissing`."""
    try:
        from playwright import sync_api
    except ImportError:
        raise EngineMissing(f"the board pack needs playwright, which is not installed: {HOW_TO_GET}") from None
    try:
        import pypdf
    except ImportError:
        raise EngineMissing(f"the board pack needs pypdf, which is not installed: {HOW_TO_GET}") from None
    return sync_api, pypdf


def _candidates(browser: str | None) -> list[str]:
    """Executables to try, in order: the one named, else those found on this machine."""
    named = browser or os.environ.get(BROWSER_ENV)
    if named:
        if not Path(named).is_file():
            source = "--browser" if browser else BROWSER_ENV
            raise EngineMissing(f"{source} names {named}, which is not a file: {HOW_TO_GET}")
        return [named]
    found = [shutil.which(name) or (name if name.startswith("/") and Path(name).is_file() else None)
             for name in _PATHS]
    return list(dict.fromkeys(path for path in found if path))


def check_engine(browser: str | None = None) -> None:
    """Refuse at once what :func:`printer` would refuse before starting a browser: playwright or pypdf
    not installed, or a browser named (``browser``, ``REVIEW_CHROMIUM``) that is not a file. Whether a
    browser found on this machine starts is known only by starting it.

    Raises
    ------
    EngineMissing
    """
    _imports()
    _candidates(browser)


@dataclass
class Printer:
    """A running browser that prints pages to PDF (see :func:`printer`)."""

    browser: Any
    name: str
    error: type[Exception] = Exception

    def pdf(self, url: str, css: str) -> bytes:
        """Print the page at ``url`` to A4 PDF, with ``css`` added after its own stylesheets.

        Links to other files are unlinked first (in a PDF they would point into this machine's
        folders); links within the page are kept.

        Raises
        ------
        RunFailed
            If the browser fails while printing (it crashed, or the page would not load).
        """
        try:
            page = self.browser.new_page()
            try:
                page.goto(url, wait_until="load")
                page.add_style_tag(content=css)
                page.eval_on_selector_all(
                    "a[href]", "links => links.forEach(a => { if (!a.getAttribute('href').startsWith('#')) "
                               "a.removeAttribute('href'); })")
                data: bytes = page.pdf(prefer_css_page_size=True, print_background=True, tagged=True)
                return data
            finally:
                page.close()
        except self.error as exc:
            raise RunFailed(f"{self.name} could not print {Path(url).name} ({str(exc).splitlines()[0]}); no pack "
                            "was written") from None


@contextmanager
def printer(browser: str | None = None) -> Iterator[Printer]:
    """Start a browser to print with, and stop it afterwards.

    Parameters
    ----------
    browser : str, optional
        A Chromium, Chrome or Edge executable; default ``REVIEW_CHROMIUM``, else the first found:
        Chromium or Chrome on PATH, the usual macOS places, then an installed Chrome or Edge as
        playwright finds them.

    Yields
    ------
    Printer

    Raises
    ------
    EngineMissing
        If playwright or pypdf is not installed, or no browser starts.
    """
    sync_api, _ = _imports()
    failures: list[str] = []
    args = [*_ARGS, *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]
    with sync_api.sync_playwright() as p:
        started = None
        for path in _candidates(browser):
            try:
                started = Printer(p.chromium.launch(executable_path=path, args=args), path, sync_api.Error)
                break
            except sync_api.Error as exc:
                failures.append(f"{path}: {str(exc).splitlines()[0]}")
        if started is None and not (browser or os.environ.get(BROWSER_ENV)):
            for channel in _CHANNELS:
                try:
                    started = Printer(p.chromium.launch(channel=channel, args=args), channel, sync_api.Error)
                    break
                except sync_api.Error:
                    continue
        if started is None:
            tried = f" (tried {'; '.join(failures)})" if failures else ""
            raise EngineMissing(f"no Chromium, Chrome or Edge could be started to print the pack{tried}: {HOW_TO_GET}")
        try:
            yield started
        finally:
            started.browser.close()


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF.

    Examples
    --------
    >>> page_count(join_pdfs([]))
    0
    """
    _, pypdf = _imports()
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _point_links(writer: Any, links: Mapping[str, int], generic: Any) -> None:
    """Point each link annotation to a name in ``links`` at its page of ``writer`` (a fitted view)."""
    for page in writer.pages:
        for ref in page.get("/Annots") or ():
            annotation = ref.get_object()
            dest = annotation.get("/Dest")
            name = str(dest).lstrip("/") if isinstance(dest, (generic.NameObject, generic.TextStringObject,
                                                                 generic.ByteStringObject)) else None
            if name is not None and name in links:
                target = writer.pages[links[name]].indirect_reference
                annotation[generic.NameObject("/Dest")] = generic.ArrayObject([target, generic.NameObject("/Fit")])


def destination_page(pdf: bytes, name: str) -> int | None:
    """The page (from 1) a PDF's named destination is on; None when the PDF has no destination of
    that name (Chromium names one for each element a link of the page points to).
    """
    _, pypdf = _imports()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = reader.named_destinations.get(f"/{name}", reader.named_destinations.get(name))
    return None if found is None else int(reader.get_destination_page_number(found)) + 1


def join_pdfs(parts: Sequence[bytes], *, bookmarks: Sequence[tuple[str, int]] = (),
              metadata: dict[str, str] | None = None, links: Mapping[str, int] | None = None) -> bytes:
    """Join PDFs into one, with bookmarks.

    Parameters
    ----------
    parts : sequence of bytes
        The PDFs, in order.
    bookmarks : sequence of (str, int)
        Each bookmark's title and its page's index from 0.
    metadata : dict, optional
        Document information (``/Title``, ``/Author``...).
    links : mapping, optional
        A link to a named destination (a page's ``<a href="#name">``) to point at a page of the
        joined PDF instead: name to the page's index from 0. Chromium links a page only within
        itself, so a contents printed alone reaches the other sections this way.

    Returns
    -------
    bytes
        The joined PDF.
    """
    _, pypdf = _imports()
    writer = pypdf.PdfWriter()
    for pdf in parts:
        writer.append(io.BytesIO(pdf), import_outline=False)
    for title, page in bookmarks:
        writer.add_outline_item(title=title, page_number=page)
    if links:
        _point_links(writer, links, pypdf.generic)
    if metadata:
        writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
