"""The board pack (`review pack --cycle C`): one A4 PDF of a cycle's reports, printed by Chromium.

The pack is printed once per session from a copy of the demo run (published audience) and read back
with pypdf: its order (cover, contents, key messages, summary, reports, glossary), its contents'
page numbers against the pages themselves, its length. Refusals (a report the publish gate did not
pass, a page changed since the run) and a missing engine need no browser. Tests that print skip
when Chromium is absent, as the browser tests do.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest

from review.cli import main
from review.config.cycles import quarter_name
from review.config.frameworks import FRAMEWORKS
from review.config.params import load_cycle_params

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (the test and pack extras have it)")

CHROMIUM = Path(__import__("os").environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium"))
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}: `apt-get install "
                                    "chromium` (as root) to print the board pack")

CYCLE = "2009-Q4"
# Hand-built key messages, as the index carries them (no count of people: marked so for the gate).
KEY_MESSAGES = ('<section id="key-messages" aria-labelledby="km" data-review-nocount><h2 id="km">Key messages</h2>'
                "<h3>Priorities</h3><ul><li>Hand-built priority: case-file audits, owned by the Head of Quality "
                "Assurance.</li></ul></section>")


def _copy_run(demo_run, into: Path, *, key_messages: bool) -> Path:
    """A copy of the demo run's cycle folder under ``into`` (an output root). With ``key_messages``, the
    run's own key messages are kept, and where the run has none the hand-built ones above are put at
    the top of its index (so that what follows the key messages is tested either way)."""
    code, folder = demo_run
    assert code == 0
    target = into / CYCLE
    shutil.copytree(folder, target)
    if key_messages and _messages(target) is None:
        index = target / "index.html"
        index.write_text(index.read_text(encoding="utf-8").replace("<main>", "<main>" + KEY_MESSAGES, 1),
                         encoding="utf-8")
    return target


def _messages(folder: Path) -> str | None:
    """The key messages of a run's index, else of its summary (as the pack takes them), as text."""
    from review.batch.pack_pages import META_CLASS, key_messages

    for name in ("index.html", "cycle_summary.html"):
        found = key_messages((folder / name).read_text(encoding="utf-8"))
        if found:  # without the author line, which the front sheet's cover prints
            found = re.sub(rf'<p class="{META_CLASS}"[^>]*>.*?</p>', " ", found, flags=re.DOTALL)
            return " ".join(html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", found, flags=re.DOTALL)).split())
    return None


def _texts(pdf: Path) -> list[str]:
    """Each page's text, ligatures ("ﬁ") spelt out."""
    return [unicodedata.normalize("NFKC", page.extract_text())
            for page in pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages]


@pytest.fixture(scope="session")
def printed(demo_run, tmp_path_factory):
    """The demo run's published pack, printed once: (pdf path, page texts, its key messages as text)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    root = tmp_path_factory.mktemp("pack")
    folder = _copy_run(demo_run, root, key_messages=True)
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(root), "--browser", str(CHROMIUM)]) == 0
    pdf = folder / f"board-pack-{CYCLE}.pdf"
    return pdf, _texts(pdf), _messages(folder)


def _contents(first_page: str) -> dict[str, int]:
    """The contents as printed on the front sheet: title to page (a title may wrap onto two lines)."""
    block = first_page.split("Contents", 1)[1].split("Page numbers are", 1)[0]
    entries, pending = {}, ""
    for line in block.strip().splitlines():
        match = re.fullmatch(r"(.*?)\s*(\d+)", line.strip())
        if match:
            entries[" ".join(f"{pending} {match.group(1)}".split())] = int(match.group(2))
            pending = ""
        else:
            pending = f"{pending} {line.strip()}"
    return entries


@needs_chromium
def test_the_pack_opens_with_the_cover_and_the_key_messages_and_ends_with_the_glossary(printed, root):
    _, texts, messages = printed
    params = load_cycle_params(root / "params" / f"{CYCLE}.yaml")
    cover = texts[0]
    for text in (str(params.common["authority"]), "board pack", quarter_name(CYCLE), params.report.author,
                 params.report.approver, params.report.date_text, params.report.version,
                 "Synthetic demo data: no real child, case or worker"):
        assert " ".join(text.split()) in " ".join(cover.split()), text
    assert cover.index("board pack") < cover.index("Contents")
    # the key messages follow the contents on the front sheet, on the page the contents give them
    opening = " ".join(messages.split()[:10])
    on = [number for number, text in enumerate(texts, start=1) if opening in " ".join(text.split())]
    assert on == [_contents(cover)["Key messages"]]
    assert cover.index("Contents") < cover.index(opening.split()[0], cover.index("Glossary of terms"))
    assert "Glossary of terms and symbols" in texts[-1] or "Glossary of terms and symbols" in texts[-2]
    last = " ".join(texts[-1].split())
    assert "Provenance." in last
    # (printed once: the summary in the pack does not repeat them)


@needs_chromium
def test_the_contents_page_numbers_are_the_pages_the_sections_start_on(printed):
    pdf, texts, _ = printed
    contents = _contents(texts[0])
    reader = pypdf.PdfReader(pdf)
    outline = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    reports = [FRAMEWORKS[n].title for n in FRAMEWORKS]
    assert list(contents) == ["Key messages", *sorted(reports, key=lambda t: contents[t]),
                              "Glossary of terms and symbols"]
    assert set(reports) <= set(contents)
    assert list(contents.values()) == sorted(contents.values())
    for title, page in contents.items():
        assert outline[title] == page, title
        first = " ".join(texts[page - 1].split())
        assert title.split(":")[0] in first, f"{title} is not on page {page}"
        if page > 1:  # the page before ends the section before (its running title is not this one's)
            assert title.split(":")[0] not in " ".join(texts[page - 2].split()[:20]), f"{title} starts before {page}"
    # each contents line links to the page it names
    linked = [reader.get_page_number(a.get_object()["/Dest"][0].get_object()) + 1
              for a in reader.pages[0].get("/Annots") or ()]
    assert linked[:len(contents)] == list(contents.values())
    # every page says which it is, out of how many
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


@needs_chromium
def test_the_demo_published_pack_is_25_pages_or_fewer(printed):
    pdf, texts, _ = printed
    assert len(texts) <= 25, f"{len(texts)} pages"
    assert "Published audience" in texts[5]


@needs_chromium
def test_the_glossary_explains_the_terms_and_symbols_of_the_reports(printed):
    _, texts, _ = printed
    end = " ".join(" ".join(texts[-2:]).split())
    glossary = end[end.index("Glossary of terms and symbols"):]
    for term in ("Red, amber, green", "Small group", "Kappa", "Confidence interval (CI)", "ATM", "TM", "SM", "AD",
                 "DCS", "LSCB", "JAR", "GOSE", "IRO", "CP", "SCR", "confidential: a count of people from 1 to 5",
                 "not applicable", "not available"):
        assert term in glossary, term


def test_a_published_pack_is_refused_when_the_gate_did_not_pass_a_report(demo_run, tmp_path, capsys):
    folder = _copy_run(demo_run, tmp_path, key_messages=True)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["notebooks"][1]["status"] = "failed"
    manifest["status"] = "failed"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "publish gate" in err
    assert manifest["notebooks"][1]["framework"] in err
    assert "Traceback" not in err
    assert not list(folder.glob("*.pdf"))


def test_a_published_pack_is_refused_when_a_page_changed_since_the_run(demo_run, tmp_path, capsys):
    folder = _copy_run(demo_run, tmp_path, key_messages=True)
    page = folder / "governance.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<main>", "<main><p>3 children were seen.</p>", 1),
                    encoding="utf-8")
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "governance.html (small count)" in err
    assert "Traceback" not in err
    assert not list(folder.glob("*.pdf"))


def test_a_page_the_run_did_not_write_is_refused(demo_run, tmp_path, capsys):
    folder = _copy_run(demo_run, tmp_path, key_messages=True)
    (folder / "extra.html").write_text("<p>not from the run</p>", encoding="utf-8")
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    assert "extra.html" in capsys.readouterr().err


def test_no_run_of_the_cycle_says_how_to_make_one(tmp_path, capsys):
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path), "--audience", "internal"]) == 2
    assert f"review run --cycle {CYCLE} --audience internal" in capsys.readouterr().err


def test_a_missing_browser_exits_2_saying_how_to_get_one(demo_run, tmp_path, capsys, monkeypatch):
    _copy_run(demo_run, tmp_path, key_messages=True)
    monkeypatch.setenv("REVIEW_CHROMIUM", str(tmp_path / "no-browser"))
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err
    assert "REVIEW_CHROMIUM" in err
    assert "Traceback" not in err


def test_missing_playwright_exits_2_saying_how_to_install_it(demo_run, tmp_path, capsys, monkeypatch):
    _copy_run(demo_run, tmp_path, key_messages=True)
    monkeypatch.setitem(sys.modules, "playwright", None)  # import playwright now fails
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "pip install 'review[pack]'" in err
    assert "playwright" in err
    assert "Traceback" not in err


def test_a_run_without_key_messages_is_refused(demo_run, tmp_path, capsys):
    folder = _copy_run(demo_run, tmp_path, key_messages=False)
    from review.batch.pack_pages import key_messages

    for name in ("index.html", "cycle_summary.html"):  # the run's own key messages, if any, taken out
        page = folder / name
        text = page.read_text(encoding="utf-8")
        while (found := key_messages(text)) is not None:
            text = text.replace(found, "", 1)
        page.write_text(text, encoding="utf-8")
    assert main(["pack", "--cycle", CYCLE, "--output-root", str(tmp_path)]) == 2
    assert "carry no key messages" in capsys.readouterr().err


def test_the_demo_run_carries_its_own_key_messages(demo_run, tmp_path):
    """The run's index (or summary) carries the key messages the pack opens with: the pack
    printed above opens with them, not with the hand-built ones."""
    assert _messages(_copy_run(demo_run, tmp_path, key_messages=False)) is not None
