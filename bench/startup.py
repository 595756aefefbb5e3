"""How long `main.py ask "…"` takes, start to exit, and what it loads.

    .venv/bin/python bench/startup.py [--runs 15] [--question "Can WIEGO fund our cooperative?"]

Runs the command that many times in a fresh process each (a scratch database, the user's
derived-data cache as a real start would have it; one unmeasured run first builds both) and
prints the wall time's min / median / p90, the peak resident memory, and the Telegram modules
loaded (the issue asks for none). The last line splits one run by `-X importtime`: imports of
our code, of numpy, of everything else.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = (
    "import sys, gc, main\n"
    "status = main.main(sys.argv[1:])\n"
    "print('TELEGRAM', sum(1 for m in sys.modules if m.split('.')[0] == 'telegram'), file=sys.stderr)\n"
    "gc.freeze()\n"
    "sys.exit(status)\n"
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process (its own rusage, from `os.wait4`)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024


def import_split(question: str, env: dict[str, str]) -> dict[str, float]:
    """Milliseconds of module bodies (self time) by owner, from one `-X importtime` run."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "main.py", "ask", question],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    split = {"ours": 0.0, "numpy": 0.0, "telegram": 0.0, "other": 0.0}
    for line in result.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if not found:
            continue
        top = found[2].split(".")[0]
        owner = "ours" if top in {"bot", "directory"} else top if top in split else "other"
        split[owner] += int(found[1]) / 1000
    return split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--question", default="Can WIEGO fund our cooperative?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_DB"))}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # a real install keeps its compiled modules
        env["WIEGO_DB"] = str(Path(scratch) / "bench.sqlite3")
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, "ask", args.question],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )  # also migrates and seeds the scratch database, and fills the derived-data cache
        telegram = re.search(r"TELEGRAM (\d+)", probe.stderr)
        command = [sys.executable, "main.py", "ask", args.question]
        walls, peaks = zip(*(run_once(command, env) for _ in range(args.runs)), strict=True)
        ordered = sorted(walls)
        p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
        print(f"main.py ask, {args.runs} runs: min {min(walls):.3f} s, median {statistics.median(walls):.3f} s, "
              f"p90 {p90:.3f} s; peak RSS {max(peaks):.0f} MiB")
        print(f"Telegram modules loaded: {telegram[1] if telegram else '?'}")
        split = import_split(args.question, env)
        print("module bodies by owner (-X importtime, one run): "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in split.items()))


if __name__ == "__main__":
    main()
