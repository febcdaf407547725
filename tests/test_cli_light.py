"""Read-only commands start light: `--help`, `status`, `export` and `brief` import no model or NLP library."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# Libraries that only ingestion (parsing, tagging, embedding, near-duplicate search) needs.
HEAVY = {"torch", "spacy", "transformers", "faiss", "datasketch", "scipy", "sklearn", "sentence_transformers",
         "tokenizers", "thinc", "wordfreq", "dask", "distributed"}

REPORT = """Harbour reopens after storm

The port authority of Velmora said on Tuesday that the northern harbour would reopen to cargo ships.
"We expect the first vessels by Friday," said Anna Kessler, a spokeswoman for the authority.
Fishermen denied reports that the breakwater had collapsed.
"""


def imported_modules(*args: str) -> tuple[set[str], str]:
    """Run the CLI in a fresh interpreter: the top-level packages it imported, and its stdout."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "newstrace.cli", *args],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NEWSTRACE_ATTRIBUTION": "rules"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in proc.stderr.splitlines()
             if line.startswith("import time:") and "[us]" not in line}
    assert names, "no -X importtime output: the check would pass vacuously"
    return names, proc.stdout


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SQLite store holding one report ingested through the CLI (rules finder: the check is about the readers)."""
    path = tmp_path_factory.mktemp("light") / "store.db"
    report = path.parent / "harbour.txt"
    report.write_text(REPORT, encoding="utf-8")
    names, out = imported_modules("--db", str(path), "ingest", str(report), "--json")
    assert json.loads(out)["stored"] == 1
    # the measurement is not blind: the same check sees the parser where a command needs it
    assert "spacy" in names
    assert "distributed" not in names and "dask" not in names  # the local engine never loads Dask
    return path


def test_help_imports_no_store_and_no_model_library():
    names, out = imported_modules("--help")
    assert "status" in out
    assert names & HEAVY == set()
    assert "newstrace" in names
    assert "sqlalchemy" not in names  # --help opens no store either


@pytest.mark.parametrize("command", [["status"], ["export", "--format", "json", "--output", "{out}/l.json"],
                                     ["export", "--format", "csv", "--output", "{out}/csv"],
                                     ["brief", "--format", "html", "--output", "{out}/b.html"]])
def test_read_only_commands_import_no_model_library(store, tmp_path, command):
    names, out = imported_modules("--db", str(store), *[c.format(out=tmp_path) for c in command])
    assert names & HEAVY == set()
    if command[0] == "status":
        assert json.loads(out)["documents"] == 1
    else:
        assert any(tmp_path.iterdir()), "the command wrote nothing"

