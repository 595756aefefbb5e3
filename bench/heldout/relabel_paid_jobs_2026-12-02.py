"""The relabelling of stop 26: a paid job at WIEGO is no rule (RULES.md's `internship` is an
internship, work-study or volunteer placement). Kept to show which messages changed and why.

    .venv/bin/python bench/heldout/relabel_paid_jobs_2026-12-02.py           # list them
    .venv/bin/python bench/heldout/relabel_paid_jobs_2026-12-02.py --write   # relabel

A message labelled `internship` (main or second ask) is relabelled when it asks for a job in
words of employment and names no placement of any kind (`KEEP`), or when it was read and
chosen by hand (`CHOSEN`: jobs asked in slang, "chamba", "laburo", "trampo", "tem vaga?").
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SETS = ("training/messages/*.jsonl", "bench/questions_*.jsonl", "bench/heldout/[HFGT]*.jsonl")
JOB = re.compile(
    r"\b(vacanc\w*|vacante\w*|vagas? de (emprego|trabalho)|job|jobs|employment|emploi|empleo"
    r"|trabajo en wiego|poste\w*|recrut\w*|recruit\w*|hiring|contrat\w*|cv|curr[ií]cul\w*"
    r"|career\w*|carri[eè]re\w*|salar\w*|paid position|position)\b",
    re.IGNORECASE,
)
KEEP = re.compile(
    r"(intern|stage|stagi|pasant|pr[aá]ctica|est[aá]gi|volunt|volont|b[eé]n[eé]vol|attachment"
    r"|ojt|placement|work-study|trainee|shadow|altern|aprendiz|civique|servicio social|practicum"
    r"|immersion|work experience|trabalho-estudante|siwes|places people)",
    re.IGNORECASE,
)
CHOSEN = frozenset(
    """T1-0534 T11-0119 T11-0165 T11-0233 T11-0239 T11-0285 T11-0353 T11-0403 T11-0479 T16-0387
    T18-0101 T2-0212 T2-0213 T2-0215 T2-0370 T2-0374 T2-0530 T2-0533 T20-0190 T21-0158 T22-0158
    T22-0398 T23-0019 T23-0231 T25-012 T25-132 T25-361 T25-396 t27_434 T3-0213 T3-0216 T3-0533
    T4-0198 T4-0521 T5-0271 T5-0535 T5-0593 T6-0211 T6-0532 T6-0534 T8-0215 T8-0288 T8-0375
    T8-0530 T8-0533 T24-0143 T5-0169""".split()  # noqa: SIM905 - ids as read, by file
)
NOT_CHOSEN = frozenset({"T6-0056"})  # three months beside a union of kayayei: a placement


def relabelled(case: dict[str, Any]) -> dict[str, Any] | None:
    """The case with `internship` dropped, or None when it stays as it is."""
    rules = [str(r) for r in case["rules"]]
    also = [str(r) for r in case.get("also", [])]
    if "internship" not in rules + also or case.get("id") in NOT_CHOSEN:
        return None
    text = str(case["question"])
    if case.get("id") not in CHOSEN and not (JOB.search(text) and not KEEP.search(text)):
        return None
    rules = [r for r in rules if r != "internship"]
    also = [r for r in also if r != "internship"]
    if not rules and also:
        rules, also = also, []
    out = dict(case, rules=rules, also=also)
    if not rules:
        out["orgs"] = []
    return out


def main(argv: list[str]) -> int:
    changed = 0
    for path in sorted(p for pattern in SETS for p in ROOT.glob(pattern)):
        lines = path.read_text(encoding="utf-8").splitlines()
        out = []
        for line in lines:
            new = relabelled(json.loads(line)) if line.strip() else None
            if new is not None:
                changed += 1
                print(path.relative_to(ROOT), new.get("id"), new["rules"], new["also"])
                line = json.dumps(new, ensure_ascii=False)
            out.append(line)
        if "--write" in argv:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(changed, "relabelled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
