"""Shared fixtures: real stores (a SQLite file and a fresh PostgreSQL database), the parser, the seeds."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
EXAMPLES = ROOT / "examples" / "corpus"
PG_ADMIN_URL = os.environ.get("NEWSTRACE_PG_ADMIN", "postgresql://127.0.0.1:5432/postgres")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _pg_unavailable(reason: str):
    if os.environ.get("NEWSTRACE_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL required (NEWSTRACE_REQUIRE_PG=1) but unavailable: {reason}")
    pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN_URL} ({reason}); run scripts/ensure-postgres.sh")


@pytest.fixture(scope="session")
def pg_server():
    """Admin connection info for the PostgreSQL server the suite uses (started by `make test`)."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("select 1")
    except Exception as exc:  # noqa: BLE001
        _pg_unavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = "newstrace_test_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_server.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """The same test against a real SQLite file and a real PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def nlp():
    from newstrace.extract.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seeds_dir():
    if not SEEDS.is_dir():
        pytest.skip("../shared/corpus/seeds is not beside the project")
    return SEEDS


@pytest.fixture(scope="session")
def scorer():
    """The shared evaluation scorer (../shared/eval/score.py) as a module: its matching rules."""
    import importlib.util

    path = SHARED / "eval" / "score.py"
    if not path.is_file():
        pytest.skip("../shared/eval/score.py is not beside the project")
    spec = importlib.util.spec_from_file_location("newstrace_scorer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def dev_gold(seeds_dir):
    """(gold annotations, seeds metadata) for the dev reports."""
    import yaml

    gold_path = SHARED / "eval" / "gold" / "dev.yaml"
    if not gold_path.is_file():
        pytest.skip("../shared/eval/gold/dev.yaml is not beside the project")
    return yaml.safe_load(gold_path.read_text()), yaml.safe_load((seeds_dir / "metadata.yaml").read_text())


def parse_and_extract(nlp, text: str):
    """(parse, statements) of `text` through the real per-report stage (mentions, then statements)."""
    from newstrace.extract.entities import extract_mentions
    from newstrace.extract.nlp import parse_report
    from newstrace.extract.statements import extract_statements

    parsed = parse_report(nlp, text)
    return parsed, extract_statements(parsed, extract_mentions(parsed))


def one_with_cue(stmts, cue: str):
    """The only statement with cue `cue` (fails listing every statement otherwise)."""
    hits = [s for s in stmts if s.cue == cue]
    assert len(hits) == 1, [(s.cue, s.speaker_text, s.content) for s in stmts]
    return hits[0]
