"""Inputs a batch must survive (issue 10, item 4): undecodable file names, future dates, metadata for
missing files, and reports not in English (stored, not analysed, counted)."""
from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from newstrace.clean.language import UNDETERMINED, detect_language
from newstrace.cli import app
from newstrace.ingest.sources import refuse_future_dates
from newstrace.model import RawReport

runner = CliRunner()

GOOD = "Ferry delayed\n\nThe operator of the Velmora ferry said the crossing was delayed by fog on Monday.\n"
OTHER = "Bridge closed\n\nThe city engineer said the old bridge would stay closed until the inspection ended.\n"

# Invented sentences, one per language, all saying much the same thing.
SAMPLES = {
    "en": "The port authority said on Tuesday that the northern harbour would reopen to cargo ships next "
          "week, and officials added that the repairs had been finished ahead of time.",
    "fr": "Le ministre a déclaré mardi que le port du nord serait rouvert aux navires de commerce la semaine "
          "prochaine, et les responsables ont ajouté que les travaux étaient terminés.",
    "de": "Der Minister sagte am Dienstag, dass der nördliche Hafen in der nächsten Woche wieder für "
          "Frachtschiffe geöffnet wird, und die Behörden fügten hinzu, dass die Arbeiten beendet sind.",
    "es": "El ministro dijo el martes que el puerto del norte se abrirá de nuevo a los buques de carga la "
          "próxima semana, y los funcionarios añadieron que las obras ya han terminado.",
    "it": "Il ministro ha detto martedì che il porto del nord sarà riaperto alle navi da carico la prossima "
          "settimana, e i funzionari hanno aggiunto che i lavori sono stati completati.",
    "nl": "De minister zei dinsdag dat de noordelijke haven volgende week weer open gaat voor vrachtschepen, "
          "en de ambtenaren voegden eraan toe dat het werk klaar is.",
    "ru": "Министр заявил во вторник, что северный порт снова откроется для грузовых судов на следующей "
          "неделе, а чиновники добавили, что работы уже завершены.",
    "uk": "Міністр заявив у вівторок, що північний порт знову відкриється для вантажних суден наступного "
          "тижня, а посадовці додали, що роботи вже завершені.",
    "zh": "部长周二表示，北部港口将于下周重新向货船开放，官员补充说维修工作已经完成。",
}


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def flat(result) -> str:
    return " ".join(result.output.split())


@pytest.fixture(autouse=True)
def rules_finder(monkeypatch):
    monkeypatch.setenv("NEWSTRACE_ATTRIBUTION", "rules")  # these checks are about the readers


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_language_of_each_sample(lang):
    assert detect_language(SAMPLES[lang]) == lang


def test_too_little_text_is_undetermined_and_a_quote_does_not_flip_a_report():
    assert detect_language("Port closed") == UNDETERMINED
    assert detect_language("12 34 56 --- 78") == UNDETERMINED
    mixed = SAMPLES["en"] + " " + SAMPLES["en"] + ' "Nous sommes prêts," the mayor told reporters.'
    assert detect_language(mixed) == "en"


def test_undecodable_file_names_are_reported_by_their_bytes_and_the_batch_goes_on(db_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.fsencode(str(folder)) + b"/caf\xe9\xff.txt"
    with open(bad, "wb") as f:
        f.write(OTHER.encode())
    (folder / "good.txt").write_text(GOOD)
    result = run("--db", db_url, "ingest", str(folder), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stored"] == 1 and summary["failed"] == 1
    failed = [r for r in summary["results"] if r["status"] == "failed"][0]
    assert failed["code"] == "E004" and failed["source"].endswith("caf\\xe9\\xff.txt")
    assert "not valid UTF-8" in failed["message"]
    # named on the command line: the same
    direct = run("--db", db_url, "ingest", os.fsdecode(bad))
    # the console wraps long lines, even inside a path: compare without any whitespace
    assert direct.exit_code == 4 and "caf\\xe9\\xff.txt" in "".join(direct.output.split()) and "E004" in flat(direct)
    status = json.loads(run("--db", db_url, "status").stdout)
    assert status["documents"] == 1 and status["problems"] == 2


def test_future_publication_dates_are_refused(db_url, tmp_path):
    report = tmp_path / "a.txt"
    report.write_text(GOOD)
    result = run("--db", db_url, "ingest", str(report), "--published", "2999-01-01")
    assert result.exit_code == 4 and "E013" in flat(result) and "2999-01-01" in flat(result)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "b.txt").write_text(OTHER)
    (folder / "c.txt").write_text(GOOD.replace("fog", "wind"))
    (folder / "metadata.yaml").write_text('b.txt: {published: "2999-06-01"}\nc.txt: {published: "2020-06-01"}\n')
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"text": GOOD.replace("fog", "ice"), "published": "3000-02-02"}) + "\n")
    summary = json.loads(run("--db", db_url, "ingest", str(folder), str(records), "--json").stdout)
    codes = {os.path.basename(r["source"]): (r["status"], r["code"]) for r in summary["results"]}
    assert codes["b.txt"] == ("failed", "E013") and codes["c.txt"] == ("stored", None)
    assert [c for s, c in codes.values() if c == "E013"].__len__() == 2  # the JSONL record too


def test_tomorrow_is_not_the_future_anywhere_on_earth():
    today = date(2024, 5, 1)
    reports = [RawReport("a", "x", published=(today + timedelta(days=1)).isoformat()),
               RawReport("b", "x", published=(today + timedelta(days=2)).isoformat())]
    out = list(refuse_future_dates(reports, today=today))
    assert isinstance(out[0], RawReport) and out[1].code == "E013"


def test_metadata_for_files_that_are_not_there_is_reported(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "here.txt").write_text(GOOD)
    (folder / "metadata.yaml").write_text("here.txt: {outlet: Harbour News}\ngone.txt: {outlet: Lost Daily}\n")
    result = run("--db", str(tmp_path / "s.db"), "ingest", str(folder), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["stored"] == 1
    problems = [r for r in summary["results"] if r["status"] == "failed"]
    assert len(problems) == 1 and problems[0]["code"] == "E009"
    assert "'gone.txt' names no file" in problems[0]["message"]


def test_reports_not_in_english_are_stored_not_analysed_and_counted(db_url, tmp_path):
    for lang in ("fr", "de", "ru"):
        (tmp_path / f"{lang}.txt").write_text(f"Titre\n\n{SAMPLES[lang]} {SAMPLES[lang]}\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text(GOOD)
    result = run("--db", db_url, "ingest", *(str(tmp_path / f"{l}.txt") for l in ("fr", "de", "ru", "en")), "--json")
    summary = json.loads(result.stdout)
    assert summary["stored"] == 4, summary
    by_name = {os.path.basename(r["source"]): r for r in summary["results"]}
    assert by_name["fr.txt"]["message"] == "not analysed: language fr" and by_name["fr.txt"]["statements"] == 0
    assert by_name["en.txt"]["message"] == "" and by_name["en.txt"]["statements"] >= 1
    status = json.loads(run("--db", db_url, "status").stdout)
    assert status["documents"] == 4 and status["not_analysed"] == 3
    assert status["not_analysed_by_language"] == {"de": 1, "fr": 1, "ru": 1}
    shown = run("--db", db_url, "ingest", str(tmp_path / "fr.txt"))  # unchanged: nothing new to say
    assert shown.exit_code == 0
