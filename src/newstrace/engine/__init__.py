"""Where the per-report stage runs: in this machine's processes (`local`) or on a Dask cluster (`dask`).

Either engine yields the same `ProcessedReport` / `IngestProblem` stream, in the order of the input,
to the one consumer in the ingesting process (`api._resolve_and_store`): the cross-report stage and
every write stay there, under the store's writer lock.  Dask is imported only when its engine runs,
so the CLI's read-only commands and the local engine never load it.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Mapping

from ..errors import SettingError
from ..model import IngestProblem, ProcessedReport, RawReport
from ..settings import Settings

ENGINES = ("local", "dask")


def check_engine(settings: Settings) -> None:
    """Refuse an unknown engine, or a cluster address given to the local engine, before any work."""
    if settings.engine not in ENGINES:
        raise SettingError(f"unknown engine {settings.engine!r}; expected one of {', '.join(ENGINES)}",
                           source="--engine / NEWSTRACE_ENGINE")
    if settings.engine_address and settings.engine != "dask":
        raise SettingError(f"a cluster address ({settings.engine_address}) needs --engine dask, not "
                           f"{settings.engine!r}", source="--address / NEWSTRACE_ENGINE_ADDRESS")


def process_reports(raws: Iterable[RawReport], settings: Settings,
                    outlet_lines: Mapping[str, Mapping[str, int]] | None = None
                    ) -> Iterator[ProcessedReport | IngestProblem]:
    """Process reports in input order on the engine `settings.engine` names."""
    check_engine(settings)
    if settings.engine == "dask":
        from .dask_engine import process_reports_dask  # dask loads only here

        yield from process_reports_dask(raws, settings, outlet_lines)
        return
    from ..process import process_reports as process_local

    yield from process_local(raws, settings, outlet_lines)
