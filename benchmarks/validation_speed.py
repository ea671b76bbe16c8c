"""Speed and peak memory of validating a data folder whose sampling frame has 1,000,000 rows.

Target: ``load_evidence`` on the demo folder with a 1,000,000-row ``frame.csv`` takes at most
15 s and at most 600 MB peak memory (resident set of a fresh process) on this 2-core machine.
The validation before its rewrite (commit c3bab58) took, by this script on the shared 2-core
machine, 198.8 s and 1,027 MB.

Second target: ``review validate`` on a 300-case demo folder (``write_demo(seed=3, cases=300)``, the
corruption suite's folder) costs at most 150 ms of CPU time, best of 3 rounds of 10 in a fresh process
(CPU, not wall: the machine's 2 cores are shared). Before the grade check and the text screen were
sped up (commit 37165e5) it cost 174 ms by this script (135 ms after).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROWS = 1_000_000
TARGET_SECONDS, TARGET_MB = 15.0, 600.0
OLD_SECONDS, OLD_MB = 198.8, 1027.0  # this script on c3bab58, the validation before its rewrite
TARGET_VALIDATE_MS, OLD_VALIDATE_MS = 150.0, 174.0  # OLD: this script on 37165e5

_CHILD = """
import resource, sys, time
from review.data import load_evidence
t0, c0 = time.perf_counter(), time.process_time()
ev = load_evidence(sys.argv[1])
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:.2f} {cpu:.2f} {peak_mb:.0f} {len(ev.tables['frame'])}")
"""

_VALIDATE = """
import contextlib, io, sys, time
from review.cli import main
def run():
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["validate", sys.argv[1]]) == 0
run()
rounds = []
for _ in range(3):
    c0 = time.process_time()
    for _ in range(10):
        run()
    rounds.append((time.process_time() - c0) / 10)
print(f"{min(rounds) * 1000:.1f}")
"""


def build_folder(target: Path, rows: int = ROWS) -> Path:
    """Copy the demo folder and grow its sampling frame to ``rows`` rows (new, unique case refs)."""
    from review.config.paths import project_root

    shutil.copytree(project_root() / "data" / "demo", target)
    lines = (target / "frame.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    with (target / "frame.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\n")
        fh.writelines(line + "\n" for line in body)
        for i in range(rows - len(body)):
            template = body[i % len(body)].split(",")
            template[1] = f"X{i:07d}"
            fh.write(",".join(template) + "\n")
    return target


def measure(folder: Path) -> tuple[float, float, float, int]:
    """Validate ``folder`` in a fresh process: (wall seconds, CPU seconds, peak resident MB, frame rows)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], capture_output=True, text=True, check=True)
    seconds, cpu, mb, rows = done.stdout.split()
    return float(seconds), float(cpu), float(mb), int(rows)


def validate_ms(folder: Path) -> float:
    """CPU milliseconds of one ``review validate`` of ``folder`` in a fresh process (best of 3 rounds of 10)."""
    done = subprocess.run([sys.executable, "-c", _VALIDATE, str(folder)], capture_output=True, text=True, check=True)
    return float(done.stdout)


def main() -> int:
    from review.data.demo import write_demo

    with tempfile.TemporaryDirectory() as tmp:
        folder = build_folder(Path(tmp) / "data")
        seconds, cpu, mb, rows = measure(folder)
        small = Path(tmp) / "small"
        write_demo(small, seed=3, cases=300)
        ms = validate_ms(small)
    print(f"{'validate a folder with a ' + format(rows, ',') + '-row frame':<48} "
          f"{seconds:6.1f} s (CPU {cpu:.1f} s; target <= {TARGET_SECONDS:g} s; before {OLD_SECONDS:g} s)   "
          f"peak {mb:5.0f} MB (target <= {TARGET_MB:g} MB; before {OLD_MB:g} MB)")
    print(f"{'review validate, a 300-case demo folder':<48} {ms:6.0f} ms CPU (target <= {TARGET_VALIDATE_MS:g} ms; "
          f"before {OLD_VALIDATE_MS:g} ms)")
    ok = seconds <= TARGET_SECONDS and mb <= TARGET_MB and ms <= TARGET_VALIDATE_MS
    print("all targets met" if ok else "targets missed: validation speed or memory")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
