"""Warm kernels on public APIs against the hand-written fork template they replaced.

Until this branch, :mod:`review.batch.kernels` forked every kernel from a template process that had
imported ipykernel and the workbook once (a Unix socket, ``/proc``, private attributes of
jupyter_client and papermill). Now each spare kernel is started by jupyter_client's
``KernelManager`` and imports the workbook itself, ahead of need, and papermill's own engine runs
the notebook on it (``km=``). The fork template stays only if it is more than 20% faster on the
demo cycle.

Both are measured in turn, ``--runs`` times each (default 3), in fresh processes:

- the demo cycle (``review run --cycle 2009-Q4``, ``--jobs 2``);
- the trivial floor: as many notebooks as the demo has, each doing nothing but take its
  parameters and record a result (``--jobs 2``).

The fork template's code is the ``--baseline`` commit (default ``685aef3``, the last with it),
exported with ``git archive`` to a temporary folder and imported from there (``PYTHONPATH``),
with this environment's packages. Prints medians, ranges and the ratio of the public path to the
template; exits 1 if the template is more than 20% faster on the demo cycle.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "685aef3"
KEEP_TEMPLATE_IF_FASTER_BY = 0.20


def _child(kind: str, work: Path) -> float:
    """In a tree's own process: seconds for one demo cycle or one trivial floor, ``--jobs 2``."""
    try:  # as `review run` does first (the baseline's own modules did it as they were imported)
        from review.batch.lean_imports import skip_rfc3987_syntax

        skip_rfc3987_syntax()
    except ImportError:
        pass
    import nbformat

    from review.batch.runner import run_cycle
    from review.config.frameworks import FRAMEWORKS, Framework
    from review.config.params import COMMON_PARAMS, load_cycle_params

    chosen = dict(FRAMEWORKS)
    if kind == "floor":
        try:
            import review.results.figures  # noqa: F401
            recorder = "review.results.figures"
        except ImportError:  # the baseline's home of the results contract
            recorder = "review.batch.results"
        for name, fw in list(chosen.items()):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            params = nbformat.v4.new_code_cell("\n".join(f"{p.name} = {p.default!r}" for p in COMMON_PARAMS + fw.params))
            params.metadata["tags"] = ["parameters"]
            record = nbformat.v4.new_code_cell(f'from {recorder} import record\nrecord("x", cycle, {{"done": 1}})')
            record.metadata["tags"] = ["remove_cell"]
            nb.cells = [params, nbformat.v4.new_code_cell("x = 1 + 1"), record]
            path = work / f"trivial_{name}.ipynb"
            nbformat.write(nb, path)
            chosen[name] = Framework(name, fw.title, str(path), "trivial", fw.params, fw.after_others)
        FRAMEWORKS.update(chosen)
    params = load_cycle_params("params/2009-Q4.yaml")
    t0 = time.perf_counter()
    summary = run_cycle(params, frameworks=list(chosen), jobs=2, force=True, output_root=work / "out")
    elapsed = time.perf_counter() - t0
    if not summary.ok:
        raise SystemExit(f"a benchmark notebook failed: {[o.error for o in summary.outcomes if o.error]}")
    return elapsed


def _measure(tree: Path, kind: str, work: Path) -> float:
    """Run :func:`_child` for ``kind`` on the code of ``tree`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("REVIEW_ROOT", None)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, "--work", str(work)],
                         cwd=tree, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"the {kind} run of {tree} failed:\n{out.stderr[-2000:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])


def _summary(times: list[float]) -> str:
    return f"median {statistics.median(times):6.2f} s (range {min(times):.2f} to {max(times):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit with the fork template")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("demo", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"seconds": _child(args.child, args.work)}))
        return 0
    temp = Path(tempfile.mkdtemp(prefix="review-kernel-bench-"))
    try:
        baseline = temp / "baseline"
        baseline.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True)
        trees = {"fork template": baseline, "public APIs": ROOT}
        times: dict[tuple[str, str], list[float]] = {(t, k): [] for t in trees for k in ("demo", "floor")}
        for i in range(args.runs):  # in turn: a change of load affects both
            for name, tree in trees.items():
                for kind in ("demo", "floor"):
                    work = temp / f"{name.replace(' ', '_')}-{kind}-{i}"
                    work.mkdir()
                    times[(name, kind)].append(_measure(tree, kind, work))
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    for kind, label in (("demo", "demo cycle, --jobs 2"), ("floor", "trivial floor, --jobs 2")):
        for name in trees:
            print(f"{f'{label}, {name}':<48} {_summary(times[(name, kind)])}")
        ratio = statistics.median(times[("public APIs", kind)]) / statistics.median(times[("fork template", kind)])
        print(f"{f'{label}: public APIs / fork template':<48} {ratio:6.2f}")
    demo_ratio = statistics.median(times[("fork template", "demo")]) / statistics.median(times[("public APIs", "demo")])
    faster = 1 - demo_ratio
    keep = faster > KEEP_TEMPLATE_IF_FASTER_BY
    print(f"the fork template is {faster:+.0%} faster on the demo cycle: "
          f"{'keep it (more than 20%)' if keep else 'the public path stays (20% or less)'}")
    return 1 if keep else 0


if __name__ == "__main__":
    raise SystemExit(main())
