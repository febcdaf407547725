"""The 'same proposition' model that two origins must pass to corroborate (resolve/agreement.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newstrace.resolve.agreement import FEATURES, agreeing_pair, default_model, pair_features, read_text

ROOT = Path(__file__).resolve().parents[1]
MRPC = ROOT.parent / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"


def test_a_restatement_is_the_same_proposition():
    model = default_model()
    assert model.same("A dam on the Tana River burst on Sunday and flooded twelve villages",
                      "a dam on the Tana River burst on Sunday, flooding twelve villages")


@pytest.mark.parametrize("other", [
    "Rescue teams reached most of the villages along the Tana River by nightfall",
    "The Tana River dam had not been inspected for years, a local official said",
])
def test_related_but_different_statements_are_not_the_same(other):
    assert not default_model().same("A dam on the Tana River burst on Sunday and flooded twelve villages", other)


def test_features_are_symmetric_and_match_the_shipped_weights():
    a, b = read_text("Ferries switched off their transponders in May"), read_text("In May the ferry transponders went dark")
    assert list(pair_features(a, b)) == list(pair_features(b, a))
    assert len(pair_features(a, b)) == len(FEATURES) == len(default_model().coef)


def test_agreeing_pair_finds_the_pair_and_compares_at_most_the_limit():
    same = "the depot near Bereket holds between 60 and 80 containers"
    assert agreeing_pair(["the depot is a civilian centre", same], [same]) == (1, 0)
    assert agreeing_pair(["unrelated words here"] * 8 + [same], [same]) is None  # ninth text not read


@pytest.mark.skipif(not MRPC.exists(), reason="../shared/data/mrpc is not beside the checkout")
def test_the_trainer_reproduces_its_held_out_figures():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_agreement.py")], capture_output=True,
                         text=True, check=True).stdout
    last = out.strip().splitlines()[-1]
    assert last.startswith("held-out at threshold") and "precision 0.9" in last, out
