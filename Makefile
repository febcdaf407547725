# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test gate train-tagger install clean-demo

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf out && mkdir -p out
	$(BIN)/newstrace --db out/demo.db ingest examples/corpus
	$(BIN)/newstrace --db out/demo.db statements
	$(BIN)/newstrace --db out/demo.db export --format json --output out/ledger.json
	$(BIN)/newstrace --db out/demo.db export --format csv --output out/csv
	$(BIN)/newstrace --db out/demo.db brief --format md --output out/brief.md
	$(BIN)/newstrace --db out/demo.db brief --format html --output out/brief.html
	@echo "demo output: out/demo.db (SQLite store), out/ledger.json, out/csv/, out/brief.md, out/brief.html"
	@echo "open the workbench (read, search, correct): $(BIN)/newstrace --db out/demo.db serve   # then http://127.0.0.1:8765/"

test: $(STAMP)
	./scripts/ensure-postgres.sh
	./scripts/ensure-chromium.sh
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not slow" -p no:cacheprovider
	$(MAKE) gate

# Quality floors (benchmarks/floors.json) on small fixed subsets; fails below a floor.
gate: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/gate.py

# Rebuild the shipped attribution tagger from PolNeAR train (seeded, resumable; see its model card).
train-tagger: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python benchmarks/train_tagger.py --epochs 3
