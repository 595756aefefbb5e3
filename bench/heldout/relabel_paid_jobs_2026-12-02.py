"""Paid jobs at WIEGO are no rule (RULES.md: internship is an internship, work-study or volunteer placement)."""
import json, glob, re, sys
JOB = re.compile(r"\b(vacanc\w*|vacante\w*|vagas? de (emprego|trabalho)|job|jobs|employment|emploi|empleo|trabajo en wiego|poste\w*|recrut\w*|recruit\w*|hiring|contrat\w*|cv|curr[ií]cul\w*|career\w*|carri[eè]re\w*|salar\w*|paid position|position)\b", re.I)
KEEP = re.compile(r"(intern|stage|stagi|pasant|pr[aá]ctica|est[aá]gi|volunt|volont|b[eé]n[eé]vol|attachment|ojt|placement|work-study|trainee|shadow|altern|aprendiz|civique|servicio social|practicum|immersion|work experience|trabalho-estudante|siwes|places people)", re.I)
MANUAL = set("""T1-0534 T11-0119 T11-0165 T11-0233 T11-0239 T11-0285 T11-0353 T11-0403 T11-0479 T16-0387 T18-0101
T2-0212 T2-0213 T2-0215 T2-0370 T2-0374 T2-0530 T2-0533 T20-0190 T21-0158 T22-0158 T22-0398 T23-0019 T23-0231
T25-012 T25-132 T25-361 T25-396 t27_434 T3-0213 T3-0216 T3-0533 T4-0198 T4-0521 T5-0271 T5-0535 T5-0593 T6-0211
T6-0532 T6-0534 T8-0215 T8-0288 T8-0375 T8-0530 T8-0533 T24-0143 T5-0169""".split())
NOT = {"T6-0056"}
files = sorted(glob.glob("training/messages/*.jsonl")+glob.glob("bench/questions_*.jsonl")+glob.glob("bench/heldout/[HFGT]*.jsonl"))
changed = 0
for f in files:
    lines = open(f, encoding="utf-8").read().splitlines()
    out = []
    dirty = False
    for l in lines:
        if not l.strip():
            out.append(l); continue
        d = json.loads(l)
        q = d["question"]
        has = "internship" in d["rules"] or "internship" in d.get("also", [])
        pick = has and d.get("id") not in NOT and (d.get("id") in MANUAL or (JOB.search(q) and not KEEP.search(q)))
        if pick:
            rules = [r for r in d["rules"] if r != "internship"]
            also = [r for r in d.get("also", []) if r != "internship"]
            if not rules and also:
                rules, also = also, []
            before = (d["rules"], d.get("also"))
            d["rules"], d["also"] = rules, also
            if not rules and not also and "orgs" in d:
                d["orgs"] = []
            print(f, d.get("id"), before, "->", rules, also, "|", q[:90].replace("\n", " "), file=sys.stderr)
            changed += 1; dirty = True
            l = json.dumps(d, ensure_ascii=False)
        out.append(l)
    if dirty and "--write" in sys.argv:
        open(f, "w", encoding="utf-8").write("\n".join(out) + "\n")
print(changed)
