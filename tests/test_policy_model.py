"""The trained classifier: fresh, loaded without numpy, scoring exactly as it was trained."""

from __future__ import annotations

import math
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.policy import train
from directory.policy.answer import reader
from directory.policy.features import NGRAM_SIZES, WORD_WEIGHT, message_features
from directory.policy.model import HashedLinear, ModelError, PolicyModel, WordSums, bucket

ROOT = Path(__file__).resolve().parents[1]


@cache
def model() -> PolicyModel:
    return PolicyModel.load()


def test_the_shipped_model_was_trained_on_the_current_inputs() -> None:
    """Editing a training file or a vocabulary file without retraining fails here."""
    assert train.stale_reason() is None


def test_answering_does_not_import_the_training_libraries() -> None:
    """scikit-learn, scipy and numpy are for training only (dev dependencies): answering sums
    a few dozen rows in plain Python, without numpy's 20 MiB and 140 ms of import."""
    code = (
        "import sys; from directory.policy.model import PolicyModel; from directory.policy.langid "
        "import LanguageIdentifier; PolicyModel.load(); LanguageIdentifier.load(); "
        "print(any(m.split('.')[0] in ('sklearn', 'scipy', 'numpy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_cached_scoring_equals_the_features_it_was_trained_on(text: str) -> None:
    """The per-word cache in `PolicyModel.scores` computes exactly the dot product of the
    features `train.featurize` builds (so training and answering can never disagree)."""
    m = model()
    r = reader()(text)
    fast = m.scores(r.parts, r.weights, r.features, r.concepts)
    scaled = message_features(r.parts, r.weights, r.features, r.concepts).scaled()
    logits = list(m.linear.intercept)
    for name, value in scaled.items():
        row = m.linear.row(name)
        logits = [a + value * w for a, w in zip(logits, row, strict=True)]
    n = len(m.classes)
    top = max(logits[:n])
    exps = [math.exp(z - top) for z in logits[:n]]
    for cls, e in zip(m.classes, exps, strict=True):
        assert fast.classes[cls] == pytest.approx(e / sum(exps), abs=1e-9)
    for label, z in zip(m.labels, logits[n:], strict=True):
        assert fast.asked[label] == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["We sell fish.", "Do you fund us?", "Y en Lima?", "ok", "¡Hola!",
                                 "Can you send the report", "vendors in Accra"]), min_size=1, max_size=5))
def test_a_sentence_kept_from_the_whole_scores_its_part_exactly_as_a_fresh_reading(sentences: list[str]) -> None:
    """A message's parts are scored with the sums its whole reading kept per sentence: the same
    scores, to the last bit, as a model that keeps nothing."""
    m = model()
    text = " ".join(sentences)
    r = reader()(text)
    m.scores(r.parts, r.weights, r.features, r.concepts)  # the whole first: its sentences kept
    fresh = PolicyModel(m.linear)
    for piece in sentences:
        part = reader()(piece)
        kept = m.scores(part.parts, part.weights, part.features, part.concepts)
        assert kept == fresh.scores(part.parts, part.weights, part.features, part.concepts)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_a_words_rows_are_those_of_its_feature_names(word: str) -> None:
    """`gram_rows` (crc run on from the prefix, bytes sliced for ASCII) gives the rows the
    names give, for the classifier's n-grams and the language identifier's, any script."""
    from directory.policy.features import word_features
    from directory.policy.langid import LanguageIdentifier, word_language_features

    m = model()
    w_names, c_names = word_features(word)
    assert m._word_sums.rows(word) == m.linear.index([*w_names, *c_names])
    ident = LanguageIdentifier.load()
    assert ident._word_sums.rows(word) == ident.model.index(word_language_features(word))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["grant", "bolsa", "açaí", "stage", "x", "nairobi", "ok", "été"]),
                         max_size=12), min_size=1, max_size=8))
def test_word_sums_kept_known_or_new_are_the_sums_of_their_rows(messages: list[list[str]]) -> None:
    """Whatever a word is (summed ahead, kept, evicted and summed again, or new), a message gets
    the sum of its rows, in order: a table of 4 rows is cycled through by eight words."""
    linear = model().linear
    known = WordSums(linear, "c:", NGRAM_SIZES, WORD_WEIGHT).known_sums(["grant", "été"])
    sums = WordSums(linear, "c:", NGRAM_SIZES, WORD_WEIGHT, size=4, known=known)
    for words in messages:
        got, values = sums.gather(words)
        for word, row, value in zip(words, got, values, strict=True):
            rows = sums.rows(word)
            grams = [[float(w) for w in linear.raw(r)] for r in rows[1:]]
            want = [WORD_WEIGHT * u + sum(col) for u, *col in zip(linear.raw(rows[0]), *grams, strict=True)]
            assert list(row) == want, word
            assert value == WORD_WEIGHT + len(rows) - 1
        assert len(sums._kept) <= 4


def test_a_message_longer_than_half_the_table_is_summed_without_evicting() -> None:
    linear = model().linear
    sums = WordSums(linear, "c:", NGRAM_SIZES, WORD_WEIGHT, size=4)
    sums.gather(["grant"])
    got, _ = sums.gather(["a", "b", "c", "grant"])
    assert len(got) == 4 and all(len(row) == linear.columns for row in got)
    assert list(sums._kept) == ["grant"]


def test_feature_hashing_is_stable_across_processes() -> None:
    code = "from directory.policy.model import bucket; print(bucket('w:grant', 1 << 17))"
    runs = {
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{bucket('w:grant', 1 << 17)}\n"}


def test_a_damaged_or_foreign_model_is_refused_with_a_clear_error() -> None:
    data = (ROOT / "directory" / "data" / "policy_model.bin").read_bytes()
    with pytest.raises(ModelError, match="damaged"):
        HashedLinear.from_bytes(data[:-100])
    linear = HashedLinear.from_bytes(data)
    linear.header["features_version"] = -1
    with pytest.raises(ModelError, match="train"):
        PolicyModel(linear)


def test_the_tuned_sets_are_answered_as_labelled() -> None:
    """Every message the model learnt from gets its first rule back (training accuracy)."""
    from directory.policy.answer import PolicyEngine
    from directory.policy.rules import read_seed

    engine = PolicyEngine(None, None)  # type: ignore[arg-type]
    engine.use_rules(read_seed()[1])
    files = [ROOT / "training" / "messages" / "shared_eval_snapshot.jsonl",
             ROOT / "bench" / "questions_own.jsonl", ROOT / "bench" / "questions_dev.jsonl"]
    wrong = []
    for path in files:
        for example in train.read_examples(path):
            got = [r for r, _s in engine.asked(example.text)[0].rules]
            expected = example.label if example.label not in ("none", "smalltalk") else None
            if (got[0] if got else None) != expected:
                wrong.append((example.text, got))
    assert not wrong


def test_the_lexicons_are_the_words_written_twice(tmp_path: Path) -> None:
    """`lexicon.txt` holds the normalized words written in two messages or more; beside it,
    `lexicon_written.txt` their accented forms as written (the language identifier reads
    accents). The shipped files are what training writes from the shipped messages."""
    examples = [
        train.Example("¿Hay información sobre cooperativas?", "information", frozenset()),
        train.Example("Información, por favor, cooperativas 2024", "information", frozenset()),
        train.Example("Une coopérative unique", "none", frozenset()),
    ]
    assert train.write_lexicon(examples, tmp_path / "lexicon.txt") == 2
    assert (tmp_path / "lexicon.txt").read_text(encoding="utf-8").split() == ["cooperativas", "informacion"]
    assert (tmp_path / "lexicon_written.txt").read_text(encoding="utf-8").split() == ["información"]
    shipped = [e for path in train.training_files() for e in train.read_examples(path)]
    train.write_lexicon(shipped, tmp_path / "lexicon.txt")
    data = ROOT / "directory" / "data"
    for name in ("lexicon.txt", "lexicon_written.txt"):
        assert (tmp_path / name).read_bytes() == (data / name).read_bytes(), f"{name}: run the training"
