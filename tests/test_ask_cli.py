"""`python main.py ask`: arguments or stdin, text or one JSON object per line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ask(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_"))}
    env["WIEGO_DB"] = str(tmp_path / "ask.sqlite3")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "ask", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_json_records(tmp_path: Path) -> None:
    result = ask(
        [
            "--json",
            "--lang",
            "es",
            "waste pickers in Brazil",
            "What is the capital of France?",
            "I'm a student and I want to interview domestic workers in Peru",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["question"] == "waste pickers in Brazil"
    assert {"question", "lang", "rules", "organizations", "text"} <= set(records[0])
    assert records[0]["lang"] == "en", "`lang` is the reply's language: the message's own, clearly English"
    assert "mncr" in [o["id"] for o in records[0]["organizations"]]
    assert records[1]["rules"] == [] and records[1]["organizations"] == []
    assert records[1]["text"]
    assert records[2]["rules"][0] == "access_to_workers"
    assert {"conlactraho", "idwf"} & {o["id"] for o in records[2]["organizations"][:5]}
    for record in records:
        assert "<b>" not in record["text"]


def test_stdin_one_question_per_line(tmp_path: Path) -> None:
    result = ask(
        ["--json", "-"],
        tmp_path,
        stdin="Does WIEGO offer internships?\n\n¿Tienen un programa de pasantías?\n",
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["rules"][0] for r in records] == ["internship", "internship"]


def test_text_mode_and_no_question(tmp_path: Path) -> None:
    result = ask(["Can WIEGO give my organization a grant?"], tmp_path)
    assert result.returncode == 0 and "WIEGO" in result.stdout
    empty = ask([], tmp_path)
    assert empty.returncode == 2 and "Traceback" not in empty.stderr
    bad = ask(["--lang", "xx", "hi"], tmp_path)
    assert bad.returncode == 2 and "--lang" in bad.stderr


def test_ask_does_not_record_the_operators_questions(tmp_path: Path) -> None:
    ask(["what is the weather tomorrow"], tmp_path)
    import sqlite3

    conn = sqlite3.connect(tmp_path / "ask.sqlite3")
    try:
        assert conn.execute("SELECT count(*) FROM policy_feedback").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    finally:
        conn.close()


def test_json_lang_is_the_language_of_the_reply(tmp_path: Path, catalogs) -> None:
    result = ask(
        ["--json", "--lang", "en", "¿Hay organizaciones de recicladores en Colombia?", "hola", "¿Qué es WIEGO?"],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    spanish, unsure, marked = (json.loads(line) for line in result.stdout.splitlines())
    assert spanish["lang"] == "es"
    assert catalogs.translator("es").country("CO") in spanish["text"]
    assert unsure["lang"] == "en", "too short to tell: the interface language"
    assert marked["lang"] == "es", "short, but only Spanish writes ¿"
    assert marked["rules"][0] == "about_wiego"


# One of each kind of reply: a refusal with organizations, a directory search, two asks, a
# question about WIEGO, a language the bot does not read, a greeting, nothing it knows.
SAME_AS_TELEGRAM = [
    ("Can you put me in touch with street vendors in Ghana for interviews?", "en"),
    ("organizaciones de recicladoras en Colombia", "es"),
    ("Do you give grants to street vendor groups? If not, are there vendor unions in Kenya we could join?", "en"),
    ("Comment notre syndicat peut-il devenir membre de WIEGO ?", "fr"),
    ("Habari, naomba msaada wa kupata mkopo kwa kikundi chetu", "pt"),
    ("bom dia", "pt"),
    ("What is the capital of France?", "en"),
]


async def test_ask_prints_what_telegram_shows(bot, tmp_path: Path) -> None:
    """`main.py ask` composes without Telegram, yet each reply reads exactly as the bot's
    message on Telegram for the same text (each question a chat's first message)."""
    from bot.terminal import to_terminal

    for n, (question, lang) in enumerate(SAME_AS_TELEGRAM):
        reply = await bot.send(question, user=5000 + n, lang=lang)
        result = ask(["--json", "--lang", lang, question], tmp_path)
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        assert record["text"] == to_terminal(reply.text, color=False), question


def test_a_question_with_no_words_gets_a_clear_answer(tmp_path: Path) -> None:
    """Only invisible characters: the text gate leaves nothing, and the reply says what to do."""
    result = ask(["--json", "\u200b\u200b", "\u2066\u2069"], tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    for record in map(json.loads, result.stdout.splitlines()):
        assert record["rules"] == [] and record["organizations"] == []
        assert record["text"] == "I can only read text. Please write your question in words."


def test_a_reader_that_leaves_ends_the_process_quietly(tmp_path: Path) -> None:
    """`main.py ask - < questions | head -1`: the pipe closes after the first record. The
    process must end (its database thread used to keep it alive) without a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WIEGO_"))}
    env["WIEGO_DB"] = str(tmp_path / "ask.sqlite3")
    questions = "".join(f"Do you fund cooperatives in city number {i}?\n" for i in range(400))
    asker = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "ask", "--json", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
    )
    assert asker.stdin is not None and asker.stdout is not None and asker.stderr is not None
    asker.stdin.write(questions.encode())
    asker.stdin.close()
    first = asker.stdout.readline()
    asker.stdout.close()  # the reader leaves
    assert json.loads(first)["rules"][0] == "funding"
    assert asker.wait(timeout=60) != 0
    with asker.stderr:
        assert b"Traceback" not in asker.stderr.read()
