"""A synthetic region: N demo authorities, some with planted outliers, and its region file.

Each authority is the single-authority demo (:func:`review.data.demo.write_demo`) with its own
seed. Planted outliers have part of their "child seen" answers turned from Yes to No (a low
outlier in audit compliance), drawn from their own random stream; ``region_ground_truth.json``
records which authorities and how strongly, so tests can check the funnel plots find them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from review.data.demo import DEMO_SEED, write_demo
from review.exceptions import ParameterError

__all__ = ["PLANTED", "write_demo_region"]

SEED_STEP = 7919
"""Authority i (from 0) uses seed ``seed + i * SEED_STEP``."""

PLANTED = {1: 0.5, 6: 0.35}
"""Authority index -> share of its "child seen" Yes answers turned to No (only indices < N are planted)."""

OUTLIER_CRITERION = "child_seen"


def _plant(audits: Path, share: float, rng: np.random.Generator) -> int:
    text = audits.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    changed = 0
    for row in rows:
        if row[OUTLIER_CRITERION] == "Yes" and rng.random() < share:
            row[OUTLIER_CRITERION] = "No"
            changed += 1
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    audits.write_text(out.getvalue(), encoding="utf-8", newline="")
    return changed


def write_demo_region(folder: str | Path, n: int, *, seed: int = DEMO_SEED) -> list[Path]:
    """Write ``n`` synthetic authorities, their region file and the region's ground truth.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where to write: ``LA01/``, ``LA02/``, ... plus ``region.yaml`` and ``region_ground_truth.json``.
    n : int
        Number of authorities (at least 2).
    seed : int, default: ``DEMO_SEED``
        Seed of the region: the same seed writes the same bytes.

    Returns
    -------
    list of pathlib.Path
        The region file and ground truth (the authorities' folders hold their own files).
    """

    if n < 2:
        raise ParameterError(f"a region needs at least 2 authorities; got {n}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"LA{i + 1:02d}" for i in range(n)]
    outliers = {}
    for i, ident in enumerate(ids):
        write_demo(folder / ident, seed=seed + i * SEED_STEP)
        if i in PLANTED:
            rng = np.random.default_rng([seed, i, 19])  # its own stream: the demo's draws are untouched
            changed = _plant(folder / ident / "audits.csv", PLANTED[i], rng)
            outliers[ident] = {"measure": OUTLIER_CRITERION, "direction": "low",
                               "share_of_yes_turned_no": PLANTED[i], "answers_changed": changed}
    lines = ["# Synthetic demo region written by `review demo-data --region`. Synthetic data only, so",
             "# every authority may use the fixed demo key; real authorities each name their own key",
             "# ({env: VARIABLE} or {file: path}).",
             'region: "Synthetic demo region"', 'params: "params/{cycle}.yaml"', 'cycles: ["2009-Q4"]',
             "authorities:"]
    for i, ident in enumerate(ids):
        near = [ids[j] for j in (i - 1, i + 1) if 0 <= j < n]
        lines += [f'  - id: "{ident}"', f'    name: "Synthetic authority {i + 1}"',
                  f'    evidence: "{(folder / ident).as_posix()}"', '    key: "demo"',
                  f"    neighbours: [{', '.join(chr(34) + x + chr(34) for x in near)}]"]
    region = folder / "region.yaml"
    region.write_text("\n".join(lines) + "\n", encoding="utf-8")
    truth = folder / "region_ground_truth.json"
    truth.write_text(json.dumps({"seed": seed, "seed_step": SEED_STEP, "authorities": ids, "outliers": outliers},
                                indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [region, truth]
