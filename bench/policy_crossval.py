"""Cross-validated accuracy of the policy classifier over the held-out sets.

    .venv/bin/python bench/policy_crossval.py [--folds H1,H2,H3,H4] [-v]
    .venv/bin/python bench/policy_crossval.py --folds G1+G2+G3+G4+G5+G6+G7+G8+G9+G10,G11+G12+G13+G14+G15+G16+G17,T24+T30+T31

For each fold in `--folds` (a held-out set, or sets joined by "+"): train on every training
file but the fold's (the shipped model's recipe, `directory.policy.train`, with the shipped
lexicon), then answer the fold's sets with the full engine (parts, second asks, cues) and print
the same figures as `policy_accuracy.py`, then their sum over every fold. The folds rotate, so
each set is measured by a model that never saw it. The newest held-out sets (`train.NOT_TRAINED_ON`) are no training files at
all; `policy_accuracy.py` measures them with the shipped model.
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

from policy_accuracy import Figures, evaluate  # noqa: E402

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
    folds = [[HELDOUT / f"{name}.jsonl" for name in fold.split("+")] for fold in args.folds.split(",")]
    files = training.training_files()
    examples = {p: training.read_examples(p) for p in files}
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "crossval.sqlite3")
        try:
            await load_seed(db)
            engine = PolicyEngine(db, Directory(db))
            await engine.load()
            total = Figures()
            for fold in folds:
                names = {p.name for p in fold}
                kept = [e for p in files if p.name not in names for e in examples[p]]
                print(f"\n#### trained without {', '.join(sorted(names))}: {len(kept)} messages", flush=True)
                engine.use_model(training.fit(kept))
                for path in fold:
                    await evaluate(engine, path, args.verbose, into=total)
            total.print("every fold, each set measured by the model trained without it")
        finally:
            await db.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
