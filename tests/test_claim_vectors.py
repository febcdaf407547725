"""Claim vectors made in the per-report stage (issue 12, item 1): the workers encode each
claim-worthy statement once, and the single writer uses those vectors instead of encoding again."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newstrace import api
from newstrace.ingest import read_inputs
from newstrace.model import ProcessedReport
from newstrace.process import process_chunk
from newstrace.resolve import claims as claims_module
from newstrace.resolve.claims import claim_text, is_claim_worthy
from newstrace.resolve.embeddings import default_encoder
from newstrace.settings import load_settings

STORY = Path(__file__).resolve().parent / "data" / "stories" / "dam"


@pytest.fixture(scope="module")
def settings():
    return load_settings(attribution="rules", processes=1)


def test_each_claim_worthy_statement_gets_its_vector(settings) -> None:
    raws = [r for r in read_inputs([str(STORY)], settings) if not hasattr(r, "code")]
    out = process_chunk(raws, settings)
    assert all(isinstance(o, ProcessedReport) for o in out)
    worthy = 0
    for report in out:
        vectors = dict(report.claim_vectors)
        texts = {claim_text(st) for st in report.extraction.statements if is_claim_worthy(st)}
        assert set(vectors) == texts
        worthy += len(texts)
        for text, data in vectors.items():
            vec = np.frombuffer(data, dtype=np.float32)
            assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
            alone = default_encoder()([text])[0]  # the same vector as encoding the text by itself
            assert float(vec @ alone) > 0.999
    assert worthy >= 5


@pytest.fixture
def encoded_by_writer(monkeypatch) -> list[str]:
    """The claim texts the writer's clusterer had to encode itself (missing from the stage's vectors)."""
    texts: list[str] = []
    real = claims_module.ClaimClusterer._vectors

    def counting(self, wanted, known):
        texts.extend(t for t in wanted if t not in known)
        return real(self, wanted, known)

    monkeypatch.setattr(claims_module.ClaimClusterer, "_vectors", counting)
    return texts


def test_the_writer_encodes_nothing_the_workers_encoded(settings, tmp_path: Path, encoded_by_writer) -> None:
    db = str(tmp_path / "store.db")
    summary = api.ingest([str(STORY)], load_settings(db=db, attribution="rules", processes=1))
    assert summary.count("stored") == 3
    assert encoded_by_writer == []
    ledger = api.ledger(load_settings(db=db))
    with_claim = [s for s in ledger.statements if s.claim]
    assert with_claim  # the statements were clustered with the workers' vectors


def test_missing_vectors_are_encoded_by_the_writer(settings, tmp_path: Path, monkeypatch, encoded_by_writer) -> None:
    """A report whose stage made no vectors (an older worker, an encoder failure) is still clustered."""
    import newstrace.process as process

    monkeypatch.setattr(process, "_with_claim_vectors", lambda items, settings: items)
    db = str(tmp_path / "store.db")
    api.ingest([str(STORY)], load_settings(db=db, attribution="rules", processes=1))
    assert len(encoded_by_writer) >= 5
