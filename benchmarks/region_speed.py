"""Speed of warm kernels and of the regional run, as ratios measured in one run.

Prints, each against a figure measured in the same run:

- the trivial-notebook floor (twelve notebooks that do nothing but take their parameters and record
  a result, ``--jobs 2``) per notebook per worker, against a bare kernel start (``jupyter_client``
  starting ``python3`` until it answers): target at most 2;
- a synthetic region of 12 authorities on an embedded Dask cluster with 1 and with 2 workers:
  scaling efficiency ``t1 / (2 t2)``, from ``REGION_BENCH_RUNS`` pairs of runs (default 3; the
  median and the range are printed, since one run is at the mercy of the machine's load), target
  a median of at least 85%;
- notebooks per worker-minute in the 2-worker region run.

``REGION_BENCH_AUTHORITIES`` and ``REGION_BENCH_FRAMEWORKS`` (comma-separated) shrink the region on a
busy machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_speed import _notebook, _timed

# The workbook is imported in the functions, not here: each of the embedded cluster's workers is a
# spawned process that imports this script again (as ``__mp_main__``), and it must cost them no more
# than the `review` command's top level does. Imported here, the demo generator, the runner and
# nbformat took each worker 4 s of CPU before its first task, a fixed cost the command never pays.


def _bare_kernel_start() -> float:
    """Seconds from asking for a ``python3`` kernel (IPC transport, as the runner's) until it answers."""
    from review.batch.warm_kernel import WarmKernelManager

    t0 = time.perf_counter()
    km = WarmKernelManager()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    elapsed = time.perf_counter() - t0
    km.stop()
    return elapsed


def _region(folder: Path, n: int, frameworks: list[str]) -> Path:
    from review.data.demo_region import write_demo_region

    write_demo_region(folder, n)
    text = (folder / "region.yaml").read_text().replace(
        'cycles: ["2009-Q4"]', f'cycles: ["2009-Q4"]\nframeworks: [{", ".join(frameworks)}]')
    path = folder / "bench_region.yaml"
    path.write_text(text)
    return path


def _timed_region(path: Path, workers: int, out: Path) -> tuple[float, int]:
    """Seconds the region run took, and how many notebooks it ran (the comparison included)."""
    from review.batch.region import run_region, validate_region
    from review.config.region import load_region

    region = load_region(path)
    params = validate_region(region)
    t0 = time.perf_counter()
    summary = run_region(region, params, workers=workers, force=True, output_root=out)
    elapsed = time.perf_counter() - t0
    if not summary.ok:
        raise SystemExit("a benchmark notebook failed")
    return elapsed, sum(len(s.outcomes) for s in summary.summaries.values())


def main() -> int:
    from review.config.frameworks import FRAMEWORKS, Framework

    n = int(os.environ.get("REGION_BENCH_AUTHORITIES", "12"))
    frameworks = os.environ.get("REGION_BENCH_FRAMEWORKS", ",".join(FRAMEWORKS)).split(",")
    runs = int(os.environ.get("REGION_BENCH_RUNS", "3"))
    work = Path(tempfile.mkdtemp(prefix="review-region-bench-"))
    try:
        bare = min(_bare_kernel_start() for _ in range(3))
        trivial = {}
        for letter in "abcdefghijkl":  # titles without digits: the publish gate reads the index too
            path = work / f"trivial_{letter}.ipynb"
            _notebook(path, "x = 1 + 1")  # no output: a "2" on the page is a small count
            trivial[f"trivial_{letter}"] = Framework(f"trivial_{letter}", f"Trivial {letter.upper()}", str(path),
                                                     "trivial")
        floor = min(_timed(trivial, 2, work / "floor") for _ in range(2))
        big = _region(work / "big", n, frameworks)
        pairs = []
        for _ in range(runs):  # 1 and 2 workers in turn: a change of load affects both
            w1, _ = _timed_region(big, 1, work / "w1")
            w2, notebooks = _timed_region(big, 2, work / "w2")
            pairs.append((w1, w2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_notebook = floor * 2 / len(trivial)
    efficiencies = sorted(w1 / (2 * w2) for w1, w2 in pairs)
    efficiency = statistics.median(efficiencies)
    w1, w2 = (statistics.median(t) for t in zip(*pairs, strict=True))
    ratios = {
        "floor": (per_notebook / bare, per_notebook / bare <= 2),
        "scaling": (efficiency, efficiency >= 0.85),
    }
    print(f"{'bare kernel start':<58} {bare:7.2f} s")
    print(f"{f'{len(trivial)} trivial notebooks, warm, --jobs 2':<58} {floor:7.2f} s   per notebook per worker "
          f"{per_notebook:5.2f} s = {ratios['floor'][0]:5.2f} x bare start (target <= 2)")
    print(f"{f'region {n} authorities x {len(frameworks)} + comparison: 1 / 2 workers':<58} {w1:7.2f} s / {w2:6.2f} s   "
          f"scaling efficiency, median of {runs}: {efficiency:5.0%} (range {efficiencies[0]:.0%} to "
          f"{efficiencies[-1]:.0%}; target >= 85%)")
    print(f"{'notebooks per worker-minute (region, 2 workers)':<58} {notebooks / (2 * w2 / 60):7.1f}")
    missed = [name for name, (_, ok) in ratios.items() if not ok]
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
