"""The demo reports as their readers meet them: in Chromium on screen, on a phone, and printed to A4.

Every demo report and the index, in both audiences, is opened in Debian's Chromium (driven by
playwright, which cannot download its own browsers here): no request leaves ``file:``/``data:``,
no console error, axe-core finds no WCAG 2.1 AA violation, the page fits a phone's width and an
A4 page's, prints within page-count bounds with the audience on every page, and weighs at most
125 KB plus its images (an internal page, which lists the auditors' excerpts, 160 KB). A failing page leaves a screenshot in the test's temporary folder.

Page hygiene, on every page: printed on A4 no word is broken inside ("Gree/n") and an item's
continued rows repeat the item; at 375 px wide tables are stacked rows and nothing scrolls
sideways, and a chart is not shrunk below half its drawn size; every table has header scope and
sits in a named region; every disclosure symbol is an ``<abbr>`` with its meaning (in a chart's
SVG, an enclosing ``<title>``); the disclosure footnote appears once; a demo page says "synthetic demo data" in its banner and on every printed
page; no internal note ("[source: ...]", "disagreement(s)", the answer key among the inputs).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
A4_CONTENT_WIDTH_PX = round((210 - 28) / 25.4 * 96)  # A4 less the stylesheet's 14 mm side margins
PHONE_WIDTH_PX = 375
MAX_PAGES = 30
MAX_ALT = 300  # "about 250 characters"
MAX_PAGE_BYTES = 125_000  # the GOSE page carries each item's evidence lines and a criteria table per audit type
# An internal page also lists every screened excerpt of the quarter's audit learning, which a published
# page never shows. Demo 2009-Q4: 678 rows, shown as 239 distinct wordings grouped by theme, side and
# field, 37 KB on each of the four pages with learning; the GOSE page is 147 KB with them, 110 KB without.
MAX_INTERNAL_PAGE_BYTES = 160_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
                                                      "(as root) to run the browser tests"),
]

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_PHONE_CHART_SCALE = 0.5  # a chart's text is drawn at 7 to 10 pt: at half size it is still 5 px or more
INTERNAL_NOTES = ("[source:", "This summary reads the results of the batch run it is part of", "(s) ", "(s),",
                  "ground_truth", "SYNTHETIC_DEMO_DATA.txt")


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def _screen_problems(page, path: Path, audience: str, requests: list[str], console: list[str]) -> list[str]:
    """What is wrong with a loaded page on screen: requests, console errors, accessibility, alt text,
    landmarks, the link back to the index and the printed page's running header."""
    from axe_playwright_python.sync_playwright import (
        Axe,  # a test extra, imported where Chromium runs
    )

    problems: list[str] = []
    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    if outside:
        problems.append(f"requests outside file:/data: {outside[:3]}")
    if console:
        problems.append(f"console errors {console[:3]}")
    # every violation in full; of the other results (passed, inapplicable, incomplete) one node a rule, not every
    # node's selector, which is most of axe's work on a long page after the rules have run
    axe = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    if axe.violations_count:
        problems.append("axe: " + "; ".join(
            f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in axe.response["violations"]))
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt') || '')")
    if any(not a for a in alts):
        problems.append("an image without alt text")
    if any(len(a) > MAX_ALT for a in alts):
        problems.append(f"alt text over {MAX_ALT} characters: {max(len(a) for a in alts)}")
    if path.name != "index.html" and not page.locator('a[href="index.html"]').count():
        problems.append("no link back to the index")
    if not page.locator('meta[name="viewport"]').count():
        problems.append("no viewport")
    for name in ("main", "header"):
        if not page.locator(name).count():
            problems.append(f"no <{name}> landmark")
    styles = " ".join(page.eval_on_selector_all("style", "els => els.map(e => e.textContent)"))
    page_rule = re.search(r"@page\s*\{.*?@top-right\s*\{[^}]*\}", styles, re.S)
    expected = "INTERNAL, not for circulation" if audience == "internal" else "Published audience"
    if not page_rule or expected not in page_rule.group(0) or "size: A4" not in page_rule.group(0):
        problems.append(f"no A4 running header saying {expected!r}")
    return problems


# Words of the page's text that the layout broke across two lines (inside the word, not at a
# hyphen or slash): each run of letters, digits and punctuation between spaces, hyphens and slashes;
# and dates and cycle names, which break at none of their hyphens.
BROKEN_WORDS_JS = """() => {
    const out = [];
    const root = document.querySelector('main') || document.body;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement || node.parentElement.closest('style, script, code, pre')) continue;
        for (const m of node.data.matchAll(/[^\\s\\-\u2010-\u2014\\/]{2,}/g)) {
            const range = document.createRange();
            range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
            const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
            if (tops.size > 1) out.push(m[0]);
        }
        for (const m of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2}|\\d{4}-Q[1-4]/g)) {  // a date or a cycle, whole
            const range = document.createRange();
            range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
            if (new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size > 1) out.push(m[0]);
        }
    }
    return out.slice(0, 5);
}"""

# What a screen reader and a reader of any page needs: header scope, named regions, symbols
# explained, one footnote, card titles as headings, no internal note.
STRUCTURE_JS = """symbols => {
    const problems = [];
    const svgTitle = e => {  // the <title> of the nearest element in the chart that has one
        for (let g = e; g && g.tagName.toLowerCase() !== 'svg'; g = g.parentElement) {
            const t = g.querySelector(':scope > title');
            if (t) return t.textContent;
        }
        return '';
    };
    const tables = Array.from(document.querySelectorAll('main table'));
    for (const t of tables) {
        const name = (t.caption ? t.caption.textContent : t.id).trim().slice(0, 40);
        const heads = t.querySelectorAll('th');
        if (!heads.length) problems.push(`table without headers: ${name}`);
        if (Array.from(heads).some(th => !th.getAttribute('scope'))) problems.push(`th without scope: ${name}`);
        const region = t.closest('[role=region]');
        const label = region && (region.getAttribute('aria-label')
            || (document.getElementById(region.getAttribute('aria-labelledby') || '') || {}).textContent || '');
        if (!label || !label.trim()) problems.push(`table not in a named region: ${name}`);
        for (const group of t.querySelectorAll('tbody.review-group')) {
            const rows = Array.from(group.rows);
            const first = rows[0].cells[0].textContent.trim();
            const id = (first.match(/^[A-Z]+[0-9]+(?:[.][0-9]+)*/) || [first])[0];
            for (const row of rows.slice(1))
                if (!row.cells[0].textContent.includes(id)) problems.push(`a continued row without its item ${id}`);
        }
    }
    const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('style, script, abbr, .review-footnote, code, pre, svg title')) continue;
        const text = node.data.trim();  // ":" is a symbol when it is all of an element's text, else punctuation
        // in a chart (<svg>, where <abbr> means nothing) a symbol is explained by an enclosing <title>
        if (parent.closest('svg') && Object.entries(symbols).some(([s, m]) => text.includes(s) && svgTitle(parent).includes(m)))
            continue;
        if (parent.textContent.trim() in symbols || /(^|[\\s(:;,])[czk](?=$|[\\s);,.\\[])/.test(text))
            problems.push(`a symbol not explained: "${text.slice(0, 40)}"`);
    }
    for (const a of document.querySelectorAll('abbr')) {
        if (a.title !== symbols[a.textContent.trim()]) problems.push(`abbr ${a.textContent} titled "${a.title}"`);
        if (!/^[a-z]$/.test(a.textContent) && a.parentElement.textContent.trim() !== a.textContent)
            problems.push(`punctuation read out as a symbol: "${a.parentElement.textContent.trim().slice(0, 40)}"`);
    }
    const notes = document.querySelectorAll('.review-footnote').length;
    if (notes > 1) problems.push(`the disclosure footnote ${notes} times`);
    if (document.querySelector('div[style*="border-left:6px"] > strong'))
        problems.push('a headline card titled in bold text, not a heading');
    return problems;
}"""


def _hygiene_problems(page, synthetic: bool) -> list[str]:
    """Header scope, named regions, repeated items, symbols in ``<abbr>``, one footnote, headings,
    the synthetic-data label and no internal note."""
    from review.protection.disclosure import SYMBOLS

    problems: list[str] = page.evaluate(STRUCTURE_JS, SYMBOLS)
    text = page.evaluate("document.body.innerText")
    problems += [f"an internal note on the page: {n!r}" for n in INTERNAL_NOTES if n in text]
    if synthetic:
        banner = page.evaluate("(document.querySelector('.review-banner') || {}).textContent || ''")
        styles = " ".join(page.eval_on_selector_all("style", "els => els.map(e => e.textContent)"))
        if "SYNTHETIC DEMO DATA" not in banner:
            problems.append("no synthetic demo data label in the banner")
        if not re.search(r"@bottom-left\s*\{\s*content:\s*\"Synthetic demo data", styles):
            problems.append("no synthetic demo data label on every printed page")
    return problems


def _phone_and_paper_problems(page) -> list[str]:
    """What is wrong with the page on a phone and printed on A4."""
    problems: list[str] = []
    # a phone: nothing forces the page wider than the screen, no table scrolls sideways (wide
    # tables are stacked rows), and a chart is not shrunk so far that its titles cannot be read
    page.set_viewport_size({"width": PHONE_WIDTH_PX, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > PHONE_WIDTH_PX + 1:
        problems.append(f"wider than a phone: {wide}px > {PHONE_WIDTH_PX}px")
    scrolling = page.evaluate("""w => Array.from(document.querySelectorAll('main table, main .review-table-wrap'))
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > w + 1)
        .map(e => `${e.tagName} ${e.scrollWidth}px`).slice(0, 3)""", PHONE_WIDTH_PX)
    if scrolling:
        problems.append(f"a table scrolls sideways on a phone: {scrolling}")
    small = page.evaluate("""least => Array.from(document.querySelectorAll('figure img')).filter(i => i.complete)
        .map(i => i.clientWidth / i.naturalWidth).filter(r => r < least).map(r => r.toFixed(2))""", MIN_PHONE_CHART_SCALE)
    if small:
        problems.append(f"a chart shrunk on a phone to {small} of its drawn size")
    # paper: no element wider than the A4 text column
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH_PX, "height": 1000})
    over = page.evaluate("""w => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '.' + e.className).slice(0, 3)""",
                         A4_CONTENT_WIDTH_PX)
    if over:
        problems.append(f"wider than A4 when printed: {over}")
    broken = page.evaluate(BROKEN_WORDS_JS)  # "Gree/n", "Comple/ted", "87.0/%"
    if broken:
        problems.append(f"a word broken inside when printed: {broken}")
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    if not 1 <= pages <= MAX_PAGES:
        problems.append(f"{pages} printed pages")
    return problems


def _check_page(chromium, path: Path, audience: str, shots: Path, *, synthetic: bool = False) -> list[str]:
    problems: list[str] = []
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        problems += _screen_problems(page, path, audience, requests, console)
        problems += _hygiene_problems(page, synthetic)
        problems += _phone_and_paper_problems(page)
    finally:
        if problems:
            page.screenshot(path=str(shots / f"{audience}-{path.stem}.png"), full_page=True)
        page.close()
    size = len(re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8")).encode())
    most = MAX_INTERNAL_PAGE_BYTES if audience == "internal" else MAX_PAGE_BYTES
    if size > most:
        problems.append(f"{size / 1000:.0f} KB without its images (at most {most / 1000:.0f} KB)")
    return problems


@pytest.mark.parametrize("audience", ["published", "internal"])
def test_every_report_reads_well_on_screen_phone_and_paper(request, chromium, audience, tmp_path):
    code, folder = request.getfixturevalue("demo_run" if audience == "published" else "demo_internal_run")
    assert code == 0
    pages = _pages(folder)
    assert len(pages) >= 7  # six reports and the index
    found = {p.name: _check_page(chromium, p, audience, tmp_path, synthetic=True) for p in pages}  # the demo
    failing = {name: problems for name, problems in found.items() if problems}
    assert not failing, f"screenshots in {tmp_path}: {failing}"


def test_the_regional_comparison_reads_well_on_screen_phone_and_paper(chromium, tmp_path):
    """The regional comparison's page passes the same checks as the demo reports, its eight-column
    positions table and long authority names included. Built from hand-made counts by the views
    (no kernel): four named authorities, one of them withheld on one of two measures."""
    from dataclasses import replace

    import nbformat

    from review.analyses.region import compare_region_counts, for_audience
    from review.batch.html_export import export_report
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import funnel_figure, positions_table, summary

    counts = {"LA01": (438, 500), "LA02": (199, 500), "LA03": (435, 500), "LA04": (3, 40)}
    result = compare_region_counts(counts, measure="audit compliance: The child was seen during the assessment")
    result = replace(result, cycle="2009-Q4", names=tuple((u, f"Synthetic authority {u[-1]}") for u in counts),
                     directions=((result.funnels[0].measure, "higher is better"),))
    policy = DisclosurePolicy()
    shown = for_audience(result, policy)
    measure = shown.funnels[0].measure
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": part.data})
        for part in (summary(shown, policy), positions_table(shown, policy), funnel_figure(shown, measure, policy))])]
    page = tmp_path / "region_comparison.html"
    page.write_text(export_report(nb, title="Regional comparison of authorities", review_meta={
        "framework": "region_comparison", "cycle": "2009-Q4", "audience": "published"}), encoding="utf-8")
    assert "Synthetic authority 4 (LA04)" in page.read_text(encoding="utf-8")  # withheld, named
    assert _check_page(chromium, page, "published", tmp_path) == []
