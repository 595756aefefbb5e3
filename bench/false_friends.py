"""Common words of one language that name a concept only through another language's stem.

    .venv/bin/python bench/false_friends.py [--min-count 8] [--top 80]

Every language's terms are matched by their stems in every message, because people mix
languages; a stem can then make a common word of another language a term (English "done" was
Spanish "donar", French "pays" English "pay"). This lists, for the words written at least
`--min-count` times in each language's training messages, the concepts they name only through
another language's stem, most frequent first. Cognates that mean the same ("journaliste",
"comprar") are expected; a false friend is fixed by writing its term as an exact word ("=donar").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.policy.lexicon import LANGS  # noqa: E402
from directory.policy.matcher import load_vocabulary  # noqa: E402
from directory.text import normalize  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=8)
    parser.add_argument("--top", type=int, default=80)
    args = parser.parse_args()
    counts: dict[str, Counter[str]] = {lang: Counter() for lang in LANGS}
    for path in sorted((ROOT / "training" / "messages").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("lang") in counts:
                counts[row["lang"]].update(normalize(row["question"]).split())
    vocabulary = load_vocabulary()
    found = []
    for lang, words in counts.items():
        for word, n in words.items():
            if n < args.min_count or len(word) < 3:
                continue
            by_language = vocabulary.concepts_by_stem(word)
            own = by_language.get(lang, frozenset()) | by_language.get("=", frozenset())
            for other, concepts in by_language.items():
                if other not in (lang, "=") and (only := concepts - own):
                    found.append((n, lang, word, other, sorted(only)))
    for n, lang, word, other, named in sorted(found, reverse=True)[: args.top]:
        print(f"{n:5d}  {lang} {word!r:20} via {other}: {', '.join(named)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
