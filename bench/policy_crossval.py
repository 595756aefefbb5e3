"""Cross-validated accuracy of the policy classifier over the held-out sets.

    .venv/bin/python bench/policy_crossval.py [--folds H1,H2,H3,H4] [-v]

For each held-out set in `--folds`: train on every training file but that set (the shipped
model's recipe, `directory.policy.train`), then answer the set with the full engine (parts,
second asks, cues) and print the same figures as `policy_accuracy.py`. The sets rotate, so each
is measured by a model that never saw it (`--folds H1,...,F3` rotates the F sets too). The
newest held-out sets (`bench/heldout/G*`) are not training files at all; `policy_accuracy.py`
measures them with the shipped model.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from policy_accuracy import evaluate  # noqa: E402

from directory.db import Database  # noqa: E402
from directory.policy import PolicyEngine  # noqa: E402
from directory.policy import train as training  # noqa: E402
from directory.search import Directory  # noqa: E402
from directory.seed import load_seed  # noqa: E402

HELDOUT = ROOT / "bench" / "heldout"


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--folds", default="H1,H2,H3,H4", help="held-out sets to rotate")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args(argv)
    folds = [HELDOUT / f"{name}.jsonl" for name in args.folds.split(",")]
    files = training.training_files()
    examples = {p: training.read_examples(p) for p in files}
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "crossval.sqlite3")
        try:
            await load_seed(db)
            engine = PolicyEngine(db, Directory(db))
            await engine.load()
            for fold in folds:
                kept = [e for p in files if p.name != fold.name for e in examples[p]]
                print(f"\n#### trained without {fold.name}: {len(kept)} messages", flush=True)
                engine.use_model(training.fit(kept))
                await evaluate(engine, fold, args.verbose)
        finally:
            await db.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
