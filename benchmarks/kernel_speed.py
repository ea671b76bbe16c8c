"""Warm kernels: forked from a template, or each importing the workbook itself.

Three versions of the warm kernels, each run in turn ``--runs`` times (default 3), in fresh
processes, on:

- the demo cycle (``review run --cycle 2009-Q4``, ``--jobs 2``);
- the trivial floor: as many notebooks as the demo has, each doing nothing but take its
  parameters and record a result (``--jobs 2``).

The versions:

- ``hand-written template`` (``--old``, default ``685aef3``): kernels forked from a template that
  imported ipykernel and the workbook once, through a hand-written fork server and private
  attributes of jupyter_client and papermill;
- ``public, no template`` (``--public``, default ``f26a398``): each spare kernel started by
  jupyter_client's ``KernelManager`` imports the workbook itself, ahead of need; papermill's own
  engine runs the notebook on it (``km=``);
- ``this checkout``: the template kept (it was more than 20% faster on the demo cycle), started
  through jupyter_client's public kernel-provisioner extension point.

Each version's code is exported with ``git archive`` to a temporary folder and imported from
there (``PYTHONPATH``), with this environment's packages. Prints medians, ranges and ratios; the
template is kept only if the hand-written one was more than 20% faster than the public path
without it on the demo cycle. docs/kernels.md records the figures.
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
OLD, PUBLIC = "685aef3", "f26a398"
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


def _export(ref: str, folder: Path) -> Path:
    folder.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default=OLD, help="commit with the hand-written fork template")
    parser.add_argument("--public", default=PUBLIC, help="commit with the public path and no template")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=("demo", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"seconds": _child(args.child, args.work)}))
        return 0
    temp = Path(tempfile.mkdtemp(prefix="review-kernel-bench-"))
    try:
        trees = {"hand-written template": _export(args.old, temp / "old"),
                 "public, no template": _export(args.public, temp / "public"), "this checkout": ROOT}
        times: dict[tuple[str, str], list[float]] = {(t, k): [] for t in trees for k in ("demo", "floor")}
        for i in range(args.runs):  # in turn: a change of load affects all
            for n, (name, tree) in enumerate(trees.items()):
                for kind in ("demo", "floor"):
                    work = temp / f"{n}-{kind}-{i}"
                    work.mkdir()
                    times[(name, kind)].append(_measure(tree, kind, work))
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    median = {key: statistics.median(t) for key, t in times.items()}
    for kind, label in (("demo", "demo cycle, --jobs 2"), ("floor", "trivial floor, --jobs 2")):
        for name in trees:
            print(f"{f'{label}, {name}':<56} {_summary(times[(name, kind)])}")
        print(f"{f'{label}: public, no template / hand-written':<56} "
              f"{median[('public, no template', kind)] / median[('hand-written template', kind)]:6.2f}")
        print(f"{f'{label}: this checkout / hand-written':<56} "
              f"{median[('this checkout', kind)] / median[('hand-written template', kind)]:6.2f}")
    faster = 1 - median[("hand-written template", "demo")] / median[("public, no template", "demo")]
    keep = faster > KEEP_TEMPLATE_IF_FASTER_BY
    print(f"the template is {faster:.0%} faster than the public path without it on the demo cycle: "
          f"{'kept (more than 20%)' if keep else 'NOT worth keeping (20% or less)'}")
    return 0 if keep else 1


if __name__ == "__main__":
    raise SystemExit(main())
