"""The per-report stage on Dask distributed: a LocalCluster started here, or a running cluster joined.

Reports go to the workers in chunks of `process.CHUNK`, with at most two chunks per worker thread
in flight, and come back in the order of the input, so the ingesting process holds a bounded
number of results however long the batch.  Each task carries its chunk's reports and the outlet
line counts of the chunk's outlets only (no scattered data: a value held by workers dies with them).
A chunk whose task fails (an exception outside the per-report guards, or a worker that died under it,
maybe only because another task killed it) is retried report by report, one at a time so that a
report which kills its worker takes no other with it; a report that fails alone becomes that
report's `IngestProblem` (E015) and the batch goes on.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from contextlib import contextmanager
from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import EngineError, NewstraceError, WorkerFailed
from ..model import IngestProblem, ProcessedReport, RawReport
from ..process import CHUNK, _chunks, available_cores
from ..settings import Settings

CONNECT_TIMEOUT = "20s"  # reaching the scheduler at --address
WORKER_WAIT_S = 60  # a scheduler with no worker: how long to wait for one before giving up
IN_FLIGHT_PER_THREAD = 2  # chunks queued per worker thread: keeps workers busy, bounds memory here
# The scheduler gives up on a task after this many deaths of workers running it (Dask's default: 3).
# The retry here already reruns every report of a failed chunk alone, so a report that kills its
# worker should be given up on at once: each death costs a worker restart (and a model load).
LOCAL_ALLOWED_FAILURES = 0

Result = ProcessedReport | IngestProblem


@contextmanager
def dask_client(settings: Settings) -> Iterator:
    """A `distributed.Client`: joined to `settings.engine_address`, or to a LocalCluster started here.

    The LocalCluster runs `settings.processes` (0: one per core) worker processes of one thread each,
    without a dashboard, and is shut down when the block ends.
    """
    from distributed import Client, LocalCluster

    address = settings.engine_address
    if address:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError (bad address)...
            raise EngineError(f"cannot reach a Dask scheduler there: {exc}", source=address) from None
        try:
            yield client
        finally:
            client.close()
        return
    workers = int(settings.processes) if settings.processes else available_cores()
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.WARNING,
                           scheduler_kwargs={"allowed_failures": LOCAL_ALLOWED_FAILURES})
    try:
        with Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        cluster.close()


def prepare_workers(client, settings: Settings) -> int:  # noqa: ANN001 - distributed.Client
    """Wait for a worker, load the models on every worker (ModelPlugin); the cluster's thread count."""
    from .tasks import ModelPlugin

    where = settings.engine_address or "the local cluster"
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except Exception:  # noqa: BLE001 - TimeoutError under several names across versions
        raise EngineError(f"the scheduler has no worker after {WORKER_WAIT_S} s", source=where) from None
    try:
        client.register_plugin(ModelPlugin(settings))
    except Exception as exc:  # noqa: BLE001 - a worker without newstrace or its models
        raise EngineError(f"a worker could not load newstrace's models: {exc!r}", source=where) from None
    return max(1, sum(client.nthreads().values()))


def process_reports_dask(raws: Iterable[RawReport], settings: Settings,
                         outlet_lines: Mapping[str, Mapping[str, int]] | None = None) -> Iterator[Result]:
    """Process reports on a Dask cluster; results in input order, one per report (as the local engine)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # inherited by LocalCluster workers
    with dask_client(settings) as client:
        threads = prepare_workers(client, settings)
        yield from stream_chunks(client, threads, raws, settings, outlet_lines)


def stream_chunks(client, threads: int, raws: Iterable[RawReport], settings: Settings,  # noqa: ANN001
                  outlet_lines: Mapping[str, Mapping[str, int]] | None = None) -> Iterator[Result]:
    """Submit chunks to a prepared cluster of `threads` worker threads, at most two each in flight."""
    from .tasks import run_chunk

    pending: deque = deque()
    for chunk in _chunks(raws, CHUNK):
        lines = _chunk_lines(outlet_lines, chunk)
        pending.append((chunk, lines, client.submit(run_chunk, chunk, settings, lines, pure=False)))
        if len(pending) >= threads * IN_FLIGHT_PER_THREAD:
            yield from _collect(client, settings, *pending.popleft())
    while pending:
        yield from _collect(client, settings, *pending.popleft())


def _chunk_lines(outlet_lines: Mapping[str, Mapping[str, int]] | None,
                 chunk: Sequence[RawReport]) -> dict[str, Mapping[str, int]]:
    """The outlet line counts a chunk's cleaning reads: those of its reports' outlets."""
    if not outlet_lines:
        return {}
    return {o: outlet_lines[o] for o in {r.outlet for r in chunk if r.outlet} if o in outlet_lines}


def _collect(client, settings: Settings, chunk: Sequence[RawReport], lines: Mapping,  # noqa: ANN001
             future) -> list[Result]:  # noqa: ANN001
    """A chunk's results; when its task failed, each report retried alone, a failing one its problem."""
    from .tasks import run_chunk

    try:
        return future.result()
    except NewstraceError:
        raise  # a bad setting fails the whole ingest, as on the local engine
    except Exception as exc:  # noqa: BLE001 - KilledWorker, a crash outside the per-report guards
        _check_alive(client, settings, exc)
        chunk_error = exc
    finally:
        future.release()
    if len(chunk) == 1:
        return [_problem(chunk[0], chunk_error)]
    out: list[Result] = []
    for raw in chunk:  # one at a time: a report that kills its worker kills no other report's task
        single = client.submit(run_chunk, [raw], settings, lines, pure=False)
        try:
            out.extend(single.result())
        except NewstraceError:
            raise
        except Exception as exc:  # noqa: BLE001 - this report is what fails
            _check_alive(client, settings, exc)
            out.append(_problem(raw, exc))
        finally:
            single.release()
    return out


def _problem(raw: RawReport, exc: BaseException) -> IngestProblem:
    return IngestProblem(raw.source, WorkerFailed.code, f"the worker failed on this report: {exc!r}")


def _check_alive(client, settings: Settings, exc: BaseException) -> None:  # noqa: ANN001
    """A lost scheduler is the engine's failure, not the report's: stop the ingest with a clear error."""
    if client.status not in ("running", "connecting"):
        where = settings.engine_address or "the local cluster"
        raise EngineError(f"lost the Dask scheduler while processing: {exc!r}", source=where) from None
