"""The worker side of the Dask engine: models loaded once per worker, and the task run on each chunk.

Everything here runs inside a Dask worker process.  The models live in the loaders' per-process
caches (`load_nlp`, `load_tagger`, `load_gazetteer` are `lru_cache`d), so a worker loads them once
— when it starts, through `ModelPlugin` — and every task after that reuses them.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Mapping, Sequence

from distributed import WorkerPlugin, get_worker

from ..model import IngestProblem, ProcessedReport, RawReport
from ..settings import Settings


class ModelPlugin(WorkerPlugin):
    """Loads the parser, the gazetteer, the sentence encoder and (unless attribution is `rules`) the tagger
    as a worker starts.

    Registered once per ingest under one name, so it replaces an earlier registration; a worker that
    joins (or is restarted by its nanny) later runs it too.  Loading up front means the first chunk
    is not slowed by it, and a worker that cannot load the models fails the registration, which the
    ingest reports as a clear engine error instead of a failure on every report.
    """

    name = "newstrace-models"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker) -> None:  # noqa: ANN001 - distributed's Worker
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no tokenizer threads per worker
        warm_models(self.settings)


def warm_models(settings: Settings) -> None:
    """Load (or find cached) every model the per-report stage of `settings` uses, after making the
    resources (domain pack) `settings` name this worker's active ones."""
    from ..extract.nlp import load_nlp
    from ..extract.places import load_gazetteer
    from ..resolve.embeddings import load_model
    from ..resources import use_resources_of

    use_resources_of(settings)
    load_nlp(settings.spacy_model)
    load_gazetteer(settings.user_gazetteer)
    load_model(settings.embedding_model)  # the sentence encoder: claim vectors are made per report
    if settings.attribution != "rules":
        from ..extract.tagger import load_tagger

        load_tagger()


def model_loads() -> dict[str, int]:
    """How many times this process has loaded each model (the loaders' cache misses)."""
    from ..extract.nlp import load_nlp
    from ..extract.places import load_gazetteer
    from ..extract.tagger import load_tagger

    return {"nlp": load_nlp.cache_info().misses, "tagger": load_tagger.cache_info().misses,
            "gazetteer": load_gazetteer.cache_info().misses, "pid": os.getpid()}


def worker_settings(settings: Settings) -> Settings:
    """The settings as this worker runs them: its share of the cores is its thread count.

    `process._share_cores` gives the tagger cores // processes threads; a worker declared with
    N threads (`dask worker --nthreads N`, or 1 in the LocalCluster) gets N of them.
    """
    from ..process import available_cores

    try:
        threads = max(1, int(get_worker().state.nthreads))
    except ValueError:  # not inside a worker (called directly): the whole machine
        threads = available_cores()
    return replace(settings, processes=max(1, available_cores() // threads))


def run_chunk(raws: Sequence[RawReport], settings: Settings,
              outlet_lines: Mapping[str, Mapping[str, int]] | None = None
              ) -> list[ProcessedReport | IngestProblem]:
    """The per-report stage on one chunk, exactly as the local engine runs it (`process.process_chunk`)."""
    from .. import process
    from ..resources import use_resources_of

    use_resources_of(settings)  # a worker shared by ingests follows each one's pack (cheap when unchanged)
    return process.process_chunk(raws, worker_settings(settings), outlet_lines)
