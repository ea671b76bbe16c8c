"""Speed of the regional run, as ratios measured in one run.

Prints: one authority's demo cycle through the region run (two embedded workers, as many as
today's runner's jobs) against today's runner and against bare kernel starts; a
region of 12 authorities with 1 and with 2 workers (scaling efficiency, target >= 85%); and
notebooks per worker-minute. ``REGION_BENCH_AUTHORITIES`` and ``REGION_BENCH_FRAMEWORKS``
(comma-separated) shrink the run on a busy machine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from review.batch.region import run_region, validate_region
from review.batch.runner import run_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import load_cycle_params
from review.config.region import load_region
from review.data.demo_region import write_demo_region


def _bare_kernel_start() -> float:
    from jupyter_client.manager import start_new_kernel

    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return elapsed


def _region(folder: Path, n: int, frameworks: list[str]) -> Path:
    write_demo_region(folder, n)
    text = (folder / "region.yaml").read_text().replace(
        'cycles: ["2009-Q4"]', f'cycles: ["2009-Q4"]\nframeworks: [{", ".join(frameworks)}]')
    path = folder / "bench_region.yaml"
    path.write_text(text)
    return path


def _timed_region(path: Path, workers: int, out: Path) -> float:
    region = load_region(path)
    params = validate_region(region)
    t0 = time.perf_counter()
    summary = run_region(region, params, workers=workers, force=True, output_root=out)
    elapsed = time.perf_counter() - t0
    if not summary.ok:
        raise SystemExit("a benchmark notebook failed")
    return elapsed


def main() -> int:
    n = int(os.environ.get("REGION_BENCH_AUTHORITIES", "12"))
    frameworks = os.environ.get("REGION_BENCH_FRAMEWORKS", ",".join(FRAMEWORKS)).split(",")
    work = Path(tempfile.mkdtemp(prefix="review-region-bench-"))
    try:
        bare = min(_bare_kernel_start() for _ in range(3))
        single = _region(work / "single", 2, frameworks)
        text = single.read_text()
        single.write_text(text[: text.index('  - id: "LA02"')].replace('neighbours: ["LA02"]', "neighbours: []"))
        params = load_cycle_params("params/2009-Q4.yaml", overrides={"data_dir": str(work / "single" / "LA01")})
        t0 = time.perf_counter()
        run_cycle(params, frameworks=frameworks, jobs=2, force=True, output_root=work / "today")
        today = time.perf_counter() - t0
        region_one = _timed_region(single, 2, work / "out1")
        big = _region(work / "big", n, frameworks)
        w1 = _timed_region(big, 1, work / "w1")
        w2 = _timed_region(big, 2, work / "w2")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    k = len(frameworks)
    notebooks = n * k
    efficiency = w1 / (2 * w2)
    print(f"{'bare kernel start':<52} {bare:7.2f} s")
    print(f"{f'one authority, {k} notebooks: today runner --jobs 2':<52} {today:7.2f} s")
    print(f"{f'one authority, {k} notebooks: region run, 2 workers':<52} {region_one:7.2f} s   "
          f"ratio to today {region_one / today:5.2f} (target <= 0.6)   "
          f"per notebook per worker / bare start {region_one * 2 / k / bare:5.2f}")
    print(f"{f'region {n} authorities x {k}: 1 worker / 2 workers':<52} {w1:7.2f} s / {w2:6.2f} s   "
          f"scaling efficiency {efficiency:5.0%} (target >= 85%)")
    print(f"{'notebooks per worker-minute (2 workers)':<52} {notebooks / (2 * w2 / 60):7.1f}")
    missed = [name for name, ok in (("single authority", region_one / today <= 0.6),
                                    ("scaling", efficiency >= 0.85)) if not ok]
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
