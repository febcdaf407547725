"""VectorIndex: exact below its size threshold, an HNSW graph beyond it with high recall on real embeddings."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newstrace.resolve.vector_index import VectorIndex

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "train" / "text"


def unit_rows(n: int, dim: int = 32, seed: int = 0, clusters: int = 40) -> np.ndarray:
    """Clustered random unit vectors (topics plus noise), like sentence embeddings of news."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    x = centres[rng.integers(0, clusters, n)] + 0.6 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def recall_at(index: VectorIndex, queries: np.ndarray, k: int) -> float:
    hits = 0
    for q in queries:
        exact = {i for i, _ in index.search_exact(q, k)}
        hits += len(exact & {i for i, _ in index.search(q, k)})
    return hits / (k * len(queries))


def test_small_index_is_exact_and_ordered():
    x = unit_rows(300)
    idx = VectorIndex(dim=32)
    idx.add([f"r{i}" for i in range(300)], x)
    assert not idx.approximate and len(idx) == 300
    q = x[7]
    got = idx.search(q, k=5)
    assert got == idx.search_exact(q, k=5)
    assert got[0] == ("r7", pytest.approx(1.0, abs=1e-5))
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    assert all(s >= 0.5 for _, s in idx.search(q, k=50, min_score=0.5))
    assert np.allclose(idx.vector(7), x[7])


def test_empty_and_one_row():
    idx = VectorIndex(dim=4)
    assert idx.search(np.ones(4, dtype=np.float32)) == []
    idx.add(["a"], np.array([[1, 0, 0, 0]], dtype=np.float32))
    assert idx.search(np.array([1, 0, 0, 0], dtype=np.float32), k=3) == [("a", 1.0)]


def test_turns_approximate_past_the_threshold_and_keeps_every_row():
    x = unit_rows(6000)
    idx = VectorIndex(dim=32, exact_limit=1000)
    for start in range(0, 6000, 250):  # added in report-sized batches, as the clusterer does
        idx.add([f"r{i}" for i in range(start, start + 250)], x[start:start + 250])
        assert idx.approximate == (len(idx) > 1000)
    assert idx._graph.ntotal == 6000 == len(idx.ids)
    assert recall_at(idx, x[::97], k=10) >= 0.9
    # a row finds itself first through the graph, and vectors read back unchanged
    assert all(idx.search(x[i], k=1)[0][0] == f"r{i}" for i in range(0, 6000, 301))
    assert np.allclose(idx.vector(4321), x[4321])
    assert all(s >= 0.5 for _, s in idx.search(x[5], k=50, min_score=0.5))


def test_below_threshold_results_identical_to_exact():
    x = unit_rows(2000)
    idx = VectorIndex(dim=32, exact_limit=2000)
    idx.add([str(i) for i in range(2000)], x)
    assert not idx.approximate
    for q in x[::111]:
        assert idx.search(q, 12, 0.3) == idx.search_exact(q, 12, 0.3)


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR texts not beside the project")
def test_recall_on_real_minilm_sentence_embeddings():
    """Recall@10 of the graph search against exact search, on MiniLM vectors of real news sentences."""
    from newstrace.resolve.embeddings import encode

    sents: list[str] = []
    for f in sorted(POLNEAR.glob("*.txt"))[:20]:
        sents += [s.strip() for s in f.read_text(encoding="utf-8").replace("\n", " ").split(". ") if len(s.split()) > 6]
    vecs = encode(sents[:500])
    # grow to 3k rows with noisy copies (re-normalised), as repeated reporting of one story would
    rng = np.random.default_rng(1)
    copies = np.concatenate([vecs + rng.normal(0, 0.03, vecs.shape).astype(np.float32) for _ in range(5)])
    allv = np.concatenate([vecs, copies])
    allv /= np.linalg.norm(allv, axis=1, keepdims=True)
    idx = VectorIndex(exact_limit=1000)
    idx.add([str(i) for i in range(len(allv))], allv)
    assert idx.approximate
    queries = allv[rng.choice(len(allv), 150, replace=False)]
    assert recall_at(idx, queries, k=10) >= 0.9
    # distinct real sentences only, nothing near-duplicated: still most true neighbours found
    real = VectorIndex(exact_limit=100)
    real.add([str(i) for i in range(len(vecs))], vecs)
    assert real.approximate
    assert recall_at(real, vecs[::5], k=10) >= 0.75


def _graph_index(x: np.ndarray, ids: list[str]) -> VectorIndex:
    idx = VectorIndex(dim=x.shape[1], exact_limit=500)
    idx.add(ids, x)
    return idx


def test_a_saved_graph_is_read_back_and_rows_added_since_are_linked_in():
    x = unit_rows(1300)
    ids = [f"r{i}" for i in range(1300)]
    built = _graph_index(x[:1200], ids[:1200])
    state = built.graph_state()
    built.add(ids[1200:], x[1200:])  # the run that did not save again
    order = list(range(1300))[::-1]  # the store reads rows back in its own order
    again = VectorIndex(dim=32, exact_limit=500)
    rows = again.restore([ids[k] for k in order], x[order], state)
    assert again.reused and again.approximate and len(again) == 1300
    assert [again.ids[r] for r in rows] == [ids[k] for k in order]
    assert all(np.allclose(again.vector(r), x[k]) for r, k in zip(rows, order))
    for q in x[::37]:  # the same links, the same rows added after them: the same answers
        assert again.search(q, 10) == built.search(q, 10)


@pytest.mark.parametrize("change", ["vector", "missing row", "garbage"])
def test_a_saved_graph_that_no_longer_fits_is_rebuilt(change):
    x = unit_rows(800)
    ids = [f"r{i}" for i in range(800)]
    state = _graph_index(x, ids).graph_state()
    if change == "vector":  # a statement's vector is not what the graph was built on
        x = x.copy()
        x[5] = unit_rows(1, seed=9)[0]
    elif change == "missing row":
        x, ids = x[1:], ids[1:]
    else:
        state = b"not a saved graph"
    again = VectorIndex(dim=32, exact_limit=500)
    rows = again.restore(ids, x, state)
    assert not again.reused and again.approximate and rows == list(range(len(ids)))
    assert again.search(x[5], 1)[0][0] == ids[5]


def test_no_graph_state_while_exact():
    idx = VectorIndex(dim=32, exact_limit=500)
    idx.add(["a", "b"], unit_rows(2))
    assert idx.graph_state() is None
    assert idx.restore(["c"], unit_rows(1, seed=3), None) == [2]
