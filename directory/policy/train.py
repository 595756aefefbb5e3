"""Train the policy classifier from labelled messages: `python -m directory.policy.train`.

Reproducible: the same inputs give the same `directory/data/policy_model.bin` byte for byte
(lbfgs is deterministic, weights are rounded to int16), in one run: the lexicon the messages
are read with is written first, and when it changed the training starts again in a new
process. The file records a SHA-256 of its inputs (the training files, the vocabulary it
reads features with, the hyperparameters), and `--check` (run by the tests) fails when any of
them changed since the model was trained.

Needs scikit-learn (the `dev` extra); answering never does (see `model.py`).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from directory.phrases import LEXICON_FILE, WRITTEN_FILE
from directory.policy.features import FEATURES_VERSION, message_features
from directory.policy.langid import LANGUAGE_MODEL_FILE, OTHER, language_features
from directory.policy.matcher import VOCABULARY_CACHE, _compiled_cache, save_compiled
from directory.policy.model import MODEL_FILE, HashedLinear, PolicyModel, bucket

ROOT = Path(__file__).resolve().parents[2]
MODEL_PATH = ROOT / "directory" / "data" / MODEL_FILE
TRAINING_GLOBS = (
    "training/messages/*.jsonl",
    "bench/questions_*.jsonl",
    "bench/heldout/H*.jsonl",
    "bench/heldout/F*.jsonl",
    "bench/heldout/G*.jsonl",
    "bench/heldout/T*.jsonl",
)
"""Every labelled message the model learns from. Each held-out set joins it only after its
first measure was recorded (`bench/heldout/first_measures/`), and only when the next one is
ready: the sets of `NOT_TRAINED_ON` are never in it, they measure what the model has not seen."""
NOT_TRAINED_ON = frozenset(f"G{n}.jsonl" for n in range(21, 34))
"""The newest held-out sets, kept out of training: the clean measures of the models they were
first measured with (`bench/policy_accuracy.py --own bench/heldout/G24.jsonl`). G20 and T34
(stop 25) joined training once G21's first measure was recorded."""
LANGUAGE_GLOBS = ("training/languages/*.jsonl",)
"""Messages in languages the bot does not read (label "other"), for the language identifier."""
VOCABULARY_FILES = ("policy_phrases.toml", "m49.csv", "place_aliases.csv", LEXICON_FILE, WRITTEN_FILE)
"""Data files the messages are read with. The lexicons are written by training itself (first,
see `main`): in the digest, a model fitted on readings with other lexicons than those shipped
is stale."""
LANGUAGE_BUCKETS = 1 << 16
C_LANGUAGE = 10.0
BUCKETS = 1 << 17
C_MULTI = 30.0
C_ASKED = 30.0
INT16_MAX = 32767
SMALLTALK_TAG = "smalltalk"


@dataclass(frozen=True)
class Example:
    """One labelled message: its first rule (or "none"/"smalltalk") and every rule it asks."""

    text: str
    label: str
    asked: frozenset[str]


def read_examples(path: Path) -> list[Example]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        rules = list(row.get("rules", []))
        chat = SMALLTALK_TAG if SMALLTALK_TAG in str(row.get("style", "")) else "none"
        label = rules[0] if rules else chat
        out.append(Example(row["question"], label, frozenset(rules[:1] + list(row.get("also", [])))))
    return out


def training_files(root: Path = ROOT, exclude: Iterable[str] = ()) -> list[Path]:
    skip = {Path(e).name for e in exclude} | NOT_TRAINED_ON
    files = sorted({p for g in TRAINING_GLOBS for p in root.glob(g)})
    return [p for p in files if p.name not in skip]


def language_files(root: Path = ROOT) -> list[Path]:
    return sorted({p for g in LANGUAGE_GLOBS for p in root.glob(g)})


def read_languages(path: Path, label: str | None = None) -> list[tuple[str, str]]:
    """(text, language) pairs: the file's `lang`, or `label` for every line."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["question"], label or row["lang"]) for row in rows]


def inputs_digest(files: Sequence[Path], root: Path = ROOT) -> str:
    """SHA-256 of everything the model depends on besides code (see FEATURES_VERSION)."""
    digest = hashlib.sha256()
    digest.update(json.dumps(hyperparameters(), sort_keys=True).encode())
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    data = resources.files("directory.data")
    for entry in sorted(data.joinpath("languages").iterdir(), key=lambda e: e.name):
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    for name in VOCABULARY_FILES:
        digest.update(name.encode() + b"\0" + (data / name).read_bytes() + b"\0")
    return digest.hexdigest()


def hyperparameters() -> dict[str, Any]:
    from directory.policy.answer import TRAINING_DATE

    return {
        "features_version": FEATURES_VERSION,
        "training_date": TRAINING_DATE.isoformat(),
        "buckets": BUCKETS,
        "C_multi": C_MULTI,
        "C_asked": C_ASKED,
    }


@functools.cache
def _hashed(text: str) -> tuple[tuple[int, float], ...]:
    """One message's (column, value) pairs; cached, cross-validation reads each text once."""
    from directory.policy.answer import reader

    r = reader()(text)
    scaled = message_features(r.parts, r.weights, r.features, r.concepts).scaled()
    # sorted: the features come out of sets, whose order changes with each process's string
    # hashing; the solver, fed colliding columns summed in another order, ends elsewhere
    return tuple(sorted((bucket(name, BUCKETS), value) for name, value in scaled.items()))


def featurize(texts: Sequence[str]) -> Any:
    """A sparse matrix of the messages' hashed features, read as the engine reads them."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for col, value in _hashed(text):
            rows.append(i)
            cols.append(col)
            vals.append(value)
    matrix = csr_matrix((vals, (rows, cols)), shape=(len(texts), BUCKETS))
    matrix.sum_duplicates()
    return matrix


def fit(examples: Sequence[Example], digest: str = "") -> PolicyModel:
    """Train both models and return them as the run-time `PolicyModel` (int16 weights)."""
    import numpy as np
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    x = featurize([e.text for e in examples])
    labels = [e.label for e in examples]
    multi = LogisticRegression(C=C_MULTI, max_iter=10000, class_weight="balanced")
    multi.fit(x, labels)
    binarizer = MultiLabelBinarizer()
    y_asked = binarizer.fit_transform([sorted(e.asked) for e in examples])
    asked = OneVsRestClassifier(LogisticRegression(C=C_ASKED, max_iter=10000), n_jobs=2)
    asked.fit(x, y_asked)
    coef = np.vstack([multi.coef_, np.vstack([est.coef_ for est in asked.estimators_])])
    intercept = np.concatenate(
        [multi.intercept_, np.concatenate([est.intercept_ for est in asked.estimators_])]
    )
    scale = np.maximum(np.abs(coef).max(axis=1), 1e-9) / INT16_MAX
    quantized = np.rint(coef.T / scale)  # buckets x columns
    header = {
        "format": 1,
        "features_version": FEATURES_VERSION,
        "buckets": BUCKETS,
        "classes": [str(c) for c in multi.classes_],
        "labels": [str(c) for c in binarizer.classes_],
        "scale": [float(f"{s:.9g}") for s in scale],
        "intercept": [round(float(b), 6) for b in intercept],
        "examples": len(examples),
        "inputs_sha256": digest,
        "trained_with": {"scikit-learn": sklearn.__version__, **hyperparameters()},
    }
    return PolicyModel(_linear(header, quantized))


def _linear(header: dict[str, Any], quantized: Any) -> HashedLinear:
    """A `HashedLinear` from a header and a (buckets x columns) numpy array of whole numbers."""
    return HashedLinear.from_little_endian(header, quantized.astype("<i2").tobytes())


def fit_languages(pairs: Sequence[tuple[str, str]], digest: str = "") -> HashedLinear:
    """The language identifier (`langid.py`): our languages and "other", from letter n-grams."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows, cols, vals = [], [], []
    for i, (text, _lang) in enumerate(pairs):
        counts: dict[int, float] = {}
        for name in language_features(text):
            col = bucket(name, LANGUAGE_BUCKETS)
            counts[col] = counts.get(col, 0.0) + 1.0
        norm = sum(counts.values()) ** -0.5 if counts else 1.0
        for col, value in counts.items():
            rows.append(i)
            cols.append(col)
            vals.append(value * norm)
    x = csr_matrix((vals, (rows, cols)), shape=(len(pairs), LANGUAGE_BUCKETS))
    model = LogisticRegression(C=C_LANGUAGE, max_iter=10000, class_weight="balanced")
    model.fit(x, [lang for _text, lang in pairs])
    scale = np.maximum(np.abs(model.coef_).max(axis=1), 1e-9) / INT16_MAX
    header = {
        "format": 1,
        "buckets": LANGUAGE_BUCKETS,
        "classes": [str(c) for c in model.classes_],
        "scale": [float(f"{v:.9g}") for v in scale],
        "intercept": [round(float(b), 6) for b in model.intercept_],
        "normalize": "l2",
        "examples": len(pairs),
        "inputs_sha256": digest,
    }
    return _linear(header, np.rint(model.coef_.T / scale))


def write_lexicon(examples: Sequence[Example], path: Path) -> int:
    """`lexicon.txt`: the normalized words seen at least twice in the training messages (see
    `phrases.known_words`), sorted, one a line; and beside it `lexicon_written.txt`, the forms
    as written (casefolded, accents kept) that normalizing changes, seen at least twice (see
    `phrases.written_words`)."""
    from collections import Counter

    from directory.policy.langid import words_as_read
    from directory.text import normalize, tokens

    counts = Counter(w for e in examples for w in set(tokens(e.text)) if not w.isdigit())
    words = sorted(w for w, n in counts.items() if n >= 2)
    path.write_text("\n".join(words) + "\n", encoding="utf-8")
    written = Counter(w for e in examples for w in set(words_as_read(e.text)) if normalize(w) != w)
    forms = sorted(w for w, n in written.items() if n >= 2)
    path.with_name(WRITTEN_FILE).write_text("\n".join(forms) + "\n", encoding="utf-8")
    return len(words)


def _text_of(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def stale_reason(path: Path = MODEL_PATH) -> str | None:
    """Why the shipped model does not match its inputs, or None when it is fresh."""
    if not path.exists():
        return f"{path} is missing"
    model = PolicyModel.load(path)
    expected = inputs_digest([*training_files(), *language_files()])
    if model.header.get("inputs_sha256") != expected:
        return f"{path.name} was trained on other inputs: run `python -m directory.policy.train`"
    if _compiled_cache() is None:
        return f"{VOCABULARY_CACHE} was compiled from other files: run `python -m directory.policy.train`"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only check the model is fresh")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    args = parser.parse_args(argv)
    if args.check:
        reason = stale_reason(args.out)
        print(reason or f"{args.out.name} is up to date")
        return 1 if reason else 0
    files = training_files()
    examples = [e for path in files for e in read_examples(path)]
    lexicon_path = args.out.with_name(LEXICON_FILE)
    before = [_text_of(p) for p in (lexicon_path, lexicon_path.with_name(WRITTEN_FILE))]
    lexicon = write_lexicon(examples, lexicon_path)
    print(f"{lexicon} words people wrote at least twice -> {LEXICON_FILE}")
    if before != [_text_of(p) for p in (lexicon_path, lexicon_path.with_name(WRITTEN_FILE))]:
        # a message's reading depends on the lexicon (its words' stems and sums are kept ahead,
        # typos are corrected towards it): a model fitted on readings with the old lexicon was
        # another model than the one the next run fits. Read them again in a fresh process.
        print("the lexicon changed: training again in a new process, which reads with it")
        again = [sys.executable, "-m", "directory.policy.train", *(sys.argv[1:] if argv is None else argv)]
        return subprocess.run(again, check=False).returncode  # noqa: S603 - ourselves, same arguments
    digest = inputs_digest([*files, *language_files()])
    model = fit(examples, digest)
    args.out.write_bytes(model.linear.to_bytes())
    print(f"trained on {len(examples)} messages from {len(files)} files -> {args.out}")
    save_compiled(args.out.with_name(VOCABULARY_CACHE))
    pairs = [p for path in files for p in read_languages(path)]
    pairs += [p for path in language_files() for p in read_languages(path, OTHER)]
    languages = fit_languages(pairs, digest)
    target = args.out.with_name(LANGUAGE_MODEL_FILE)
    target.write_bytes(languages.to_bytes())
    print(f"language identifier trained on {len(pairs)} messages -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
