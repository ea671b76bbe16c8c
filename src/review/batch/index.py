"""The cycle's index page and manifest: what was run, how it went, where each report is."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.config.frameworks import FRAMEWORKS

__all__ = ["write_index", "write_manifest"]


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` (sorted keys, UTF-8, trailing newline)."""
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_index(path: Path, cycle: str, audience: str, outcomes: Sequence[Any]) -> None:
    """Write the cycle's ``index.html``: every report with its status and headline figures.

    Parameters
    ----------
    path : pathlib.Path
        Where to write.
    cycle : str
        The review cycle.
    audience : str
        ``published`` or ``internal``; shown at the top of the page.
    outcomes : sequence of NotebookOutcome
        One per framework run.
    """
    rows = []
    for o in outcomes:
        fw = FRAMEWORKS[o.framework]
        status = "Completed" if o.status == "ok" else "FAILED: do not use"
        headlines = "".join(f"<li{' data-review-nocount' if type(h).__name__ == 'NoCount' else ''}>{html.escape(h)}</li>"
                            for h in o.headlines)
        rows.append(
            f'<tr class="{html.escape(o.status)}"><td><a href="{html.escape(o.framework)}.html">'
            f"{html.escape(fw.title)}</a><br><small>{html.escape(fw.purpose)}</small></td>"
            f"<td>{status}</td><td><ul>{headlines}</ul></td></tr>"
        )
    e = html.escape
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Safeguarding review, cycle {e(cycle)}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem; color: #111; max-width: 70rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #999; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }}
tr.failed td {{ background: #fde7e9; color: #a4262c; font-weight: 600; }}
.audience {{ padding: 0.3rem 0.8rem; background: #f3f3f3; border-left: 4px solid #444; }}
@media print {{ a[href]::after {{ content: ""; }} }}
</style></head><body>
<h1>Safeguarding review, cycle {e(cycle)}</h1>
<p class="audience">Audience: {e(audience)}</p>
<table><thead><tr><th>Report</th><th>Status</th><th>Headlines</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p>Details of what was run (parameters, input file hashes, package versions) are in
<code>manifest.json</code> beside this page.</p>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
