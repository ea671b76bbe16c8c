"""The publication check reads an embedded image as a reader would: a chart's PNG is not text.

Found on a synthetic region of 12 authorities: one GOSE page was withheld as holding a raw
identifier because its chart's base64 PNG held ``+W07D+``, and ``W07D`` was a worker's reference in
that authority's evidence. Binary payloads are dropped before identifiers are searched; textual
payloads (SVG, plain text) are decoded and searched in the words they encode.
"""

from __future__ import annotations

import base64

import pytest

from review.protection.report_check import check_file, readable

# A real PNG header, then bytes whose base64 holds "+W07D+" between two non-alphanumerics.
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode() + "+W07D+" + "AAAA"


def _page(tmp_path, img: str):
    path = tmp_path / "page.html"
    path.write_text(f'<html><body><p>Audits by team</p><img alt="A chart of audits by team" src="{img}"></body></html>',
                    encoding="utf-8")
    return path


def test_an_identifier_by_chance_in_a_chart_s_png_is_not_a_finding(tmp_path):
    assert "+W07D+" in PNG
    assert check_file(_page(tmp_path, f"data:image/png;base64,{PNG}"), identifiers=["W07D"]) == []


@pytest.mark.parametrize("media", ["image/svg+xml", "text/plain", "text/html;charset=utf-8", "application/json"])
def test_an_identifier_inside_a_textual_payload_is_found(tmp_path, media):
    encoded = base64.b64encode(b'<svg><text x="1">Case W07D</text></svg>').decode()
    mime, _, extra = media.partition(";")
    uri = f"data:{mime}{';' + extra if extra else ''};base64,{encoded}"
    kinds = [f.kind for f in check_file(_page(tmp_path, uri), identifiers=["W07D"])]
    assert kinds == ["raw identifier"]


def test_an_identifier_in_the_page_s_text_is_still_found(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(f'<p>Worker W07D</p><img src="data:image/png;base64,{PNG}">', encoding="utf-8")
    assert [f.kind for f in check_file(path, identifiers=["W07D"])] == ["raw identifier"]


def test_the_key_is_still_found_inside_a_binary_payload(tmp_path):
    key = bytes(range(32))
    path = _page(tmp_path, f"data:image/png;base64,{PNG}{key.hex()}")
    assert [f.kind for f in check_file(path, key=key)] == ["pseudonymisation key"]


def test_readable_keeps_what_is_not_a_data_uri():
    text = '<a href="https://example.org/data:x">data: 12 rows</a>'
    assert readable(text) == text
