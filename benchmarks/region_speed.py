"""Speed of warm kernels and of the regional run, as ratios measured in one run (issue 19).

Prints, each against a figure measured in the same run:

- one authority's demo cycle (six notebooks, ``--jobs 2``) with warm kernels (the default) against
  the same runner with a kernel started and shut down per notebook (``--kernels cold``, the path
  before warm kernels): target at most 0.6;
- the trivial-notebook floor (twelve notebooks that do nothing but take their parameters and record
  a result, ``--jobs 2``) per notebook per worker, against a bare kernel start (``jupyter_client``
  starting ``python3`` until it answers): target at most 2;
- a synthetic region of 12 authorities on an embedded Dask cluster with 1 and with 2 workers:
  scaling efficiency ``t1 / (2 t2)``, target at least 85%;
- notebooks per worker-minute in the 2-worker region run.

``REGION_BENCH_AUTHORITIES`` and ``REGION_BENCH_FRAMEWORKS`` (comma-separated) shrink the region on a
busy machine.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch_speed import _notebook, _timed  # noqa: E402 - the batch benchmark's notebook and timing

# The workbook is imported in the functions, not here: each of the embedded cluster's workers is a
# spawned process that imports this script again (as ``__mp_main__``), and it must cost them no more
# than the `review` command's top level does. Imported here, the demo generator, the runner and
# nbformat took each worker 4 s of CPU before its first task, a fixed cost the command never pays.


def _bare_kernel_start() -> float:
    """Seconds from asking for a ``python3`` kernel (IPC transport, as the runner's) until it answers."""
    from review.batch.kernels import ipc_kernel_manager_class

    t0 = time.perf_counter()
    km = ipc_kernel_manager_class()(kernel_name="python3")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
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
    work = Path(tempfile.mkdtemp(prefix="review-region-bench-"))
    try:
        bare = min(_bare_kernel_start() for _ in range(3))
        trivial = {}
        for letter in "abcdefghijkl":  # titles without digits: the publish gate reads the index too
            path = work / f"trivial_{letter}.ipynb"
            _notebook(path, "x = 1 + 1")  # no output: a "2" on the page is a small count
            trivial[f"trivial_{letter}"] = Framework(f"trivial_{letter}", f"Trivial {letter.upper()}", str(path),
                                                     "trivial")
        real = dict(FRAMEWORKS)
        floor = min(_timed(trivial, 2, work / "floor") for _ in range(2))
        cold = min(_timed(real, 2, work / "cold", kernels="cold") for _ in range(2))
        warm = min(_timed(real, 2, work / "warm") for _ in range(2))
        big = _region(work / "big", n, frameworks)
        w1, _ = _timed_region(big, 1, work / "w1")
        w2, notebooks = _timed_region(big, 2, work / "w2")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    k = len(FRAMEWORKS)
    per_notebook = floor * 2 / len(trivial)
    efficiency = w1 / (2 * w2)
    ratios = {
        "single authority": (warm / cold, warm / cold <= 0.6),
        "floor": (per_notebook / bare, per_notebook / bare <= 2),
        "scaling": (efficiency, efficiency >= 0.85),
    }
    print(f"{'bare kernel start':<58} {bare:7.2f} s")
    print(f"{f'{len(trivial)} trivial notebooks, warm, --jobs 2':<58} {floor:7.2f} s   per notebook per worker "
          f"{per_notebook:5.2f} s = {ratios['floor'][0]:5.2f} x bare start (target <= 2)")
    print(f"{f'demo cycle, {k} notebooks, --jobs 2, cold kernels (before)':<58} {cold:7.2f} s")
    print(f"{f'demo cycle, {k} notebooks, --jobs 2, warm kernels':<58} {warm:7.2f} s   ratio to cold "
          f"{ratios['single authority'][0]:5.2f} (target <= 0.6)")
    print(f"{f'region {n} authorities x {len(frameworks)} + comparison: 1 / 2 workers':<58} {w1:7.2f} s / {w2:6.2f} s   "
          f"scaling efficiency {efficiency:5.0%} (target >= 85%)")
    print(f"{'notebooks per worker-minute (region, 2 workers)':<58} {notebooks / (2 * w2 / 60):7.1f}")
    missed = [name for name, (_, ok) in ratios.items() if not ok]
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
