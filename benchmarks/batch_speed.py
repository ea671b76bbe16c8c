"""Speed of the quarterly batch against its floor, as ratios measured in one run.

The floor is what the same runner spends on the same number of trivial notebooks (kernel start,
papermill, nbconvert, no work). Targets: the full demo cycle takes at most 1.5 times
that floor; ``--jobs 2`` runs eight notebooks at least 1.5 times faster than ``--jobs 1``.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

# The workbook and nbformat are imported in the functions, not here: the runner's forkserver (and
# Dask's spawned workers, for benchmarks/region_speed.py) import the script that started them again,
# and this top level must cost them no more than the `review` command's does.


def _notebook(path: Path, body: str, extra: tuple = ()) -> None:
    import nbformat

    from review.config.params import COMMON_PARAMS

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("\n".join(f"{p.name} = {p.default!r}" for p in COMMON_PARAMS + extra))
    params.metadata["tags"] = ["parameters"]
    record = nbformat.v4.new_code_cell('from review.results.figures import record\nrecord("x", cycle, {"done": 1})')
    record.metadata["tags"] = ["remove_cell"]  # as the framework notebooks' record cells: not on the page
    nb.cells = [params, nbformat.v4.new_code_cell(body), record]
    nbformat.write(nb, path)


def _timed(frameworks: dict, jobs: int, out: Path) -> float:
    from review.batch.forked_kernels import close_shared_templates
    from review.batch.runner import run_cycle
    from review.config.frameworks import FRAMEWORKS
    from review.config.params import load_cycle_params

    saved = dict(FRAMEWORKS)
    FRAMEWORKS.update(frameworks)
    try:
        params = load_cycle_params("params/2009-Q4.yaml")
        t0 = time.perf_counter()
        summary = run_cycle(params, frameworks=list(frameworks), jobs=jobs, force=True, output_root=out)
        elapsed = time.perf_counter() - t0
        if not summary.ok:
            raise SystemExit(f"a benchmark notebook failed: {[o.error for o in summary.outcomes if o.error]}")
        return elapsed
    finally:
        FRAMEWORKS.clear()
        FRAMEWORKS.update(saved)
        close_shared_templates()  # each timed run starts its own template, as a `review run` process does


def main() -> int:
    from review.config.frameworks import FRAMEWORKS, Framework

    work = Path(tempfile.mkdtemp(prefix="review-bench-"))
    try:
        real = dict(FRAMEWORKS)
        trivial = {}
        for name, fw in real.items():
            path = work / f"trivial_{name}.ipynb"
            _notebook(path, "x = 1 + 1", fw.params)  # no output: a "2" on the page is a small count
            trivial[name] = Framework(name, fw.title, str(path), "trivial", fw.params, fw.after_others)
        floor = min(_timed(trivial, 2, work / "floor") for _ in range(2))
        full = min(_timed(real, 2, work / "full") for _ in range(2))
        busy = {}
        for i in "abcdefgh":  # titles without digits: the publish gate reads the index too
            path = work / f"busy_{i}.ipynb"
            _notebook(path, "import numpy as np\nx = np.random.default_rng(0).random((1500, 1500))\n"
                            "for _ in range(6):\n    x = np.linalg.qr(x)[0]")
            busy[f"busy_{i}"] = Framework(f"busy_{i}", f"Busy {i}", str(path), "busy")
        one = _timed(busy, 1, work / "one")
        two = _timed(busy, 2, work / "two")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(real)
    print(f"{f'floor: {n} trivial notebooks, --jobs 2':<48} {floor:7.2f} s")
    print(f"{f'full demo cycle: {n} notebooks, --jobs 2':<48} {full:7.2f} s   ratio to floor {full / floor:5.2f}  (target <= 1.5)")
    print(f"{'eight notebooks, --jobs 1 / --jobs 2':<48} {one:7.2f} s / {two:5.2f} s   speed-up {one / two:5.2f}  (target >= 1.5)")
    missed = [name for name, ok in (("full cycle", full / floor <= 1.5), ("parallel", one / two >= 1.5)) if not ok]
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
