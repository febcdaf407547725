"""One error vocabulary: each error has a stable code and maps to one exit status."""
from __future__ import annotations


class NewstraceError(Exception):
    """Base error: `code` is stable (shown to users and stored with skipped reports)."""

    code = "E000"
    exit_status = 1

    def __init__(self, message: str, *, source: str | None = None):
        self.source = source
        super().__init__(f"[{self.code}] {source + ': ' if source else ''}{message}")
        self.message = message


class InputNotFound(NewstraceError):
    code = "E001"
    exit_status = 2


class EmptyInput(NewstraceError):
    code = "E002"


class BinaryInput(NewstraceError):
    code = "E003"


class EncodingError(NewstraceError):
    code = "E004"


class TooLarge(NewstraceError):
    code = "E005"


class UnsupportedInput(NewstraceError):
    code = "E006"


class FetchError(NewstraceError):
    """A URL could not be fetched (unreachable, timeout, bad status, wrong content type)."""

    code = "E007"


class MalformedInput(NewstraceError):
    """An HTML page, feed, WARC or JSON record that could not be parsed."""

    code = "E008"


class MetadataError(NewstraceError):
    """A sidecar metadata file is unreadable or holds a bad value (e.g. a bad date)."""

    code = "E009"


class NoTextFound(NewstraceError):
    """The input parsed but held no report text (e.g. an HTML page with no main text)."""

    code = "E010"


class StoreError(NewstraceError):
    code = "E020"
    exit_status = 3


class NothingIngested(NewstraceError):
    """Every input of a batch failed."""

    code = "E030"
    exit_status = 4


class SettingError(NewstraceError):
    """A setting (flag or NEWSTRACE_* variable) holds a value the pipeline does not know."""

    code = "E040"
    exit_status = 2


class DomainPackError(SettingError):
    """The domain pack (--domain-pack / NEWSTRACE_DOMAIN_PACK) is not a folder, or one of its files cannot be
    read, parsed or merged with the bundled file of its name (resources/__init__.py)."""

    code = "E042"


class FutureDate(MetadataError):
    """A publication date later than today: a typo or a forged date, never a real report's."""

    code = "E013"  # E011 and E012 are process.py's cleaning and extraction failures


class StoreNotFound(StoreError):
    """A read command named a store that does not exist (reading never creates one)."""

    code = "E021"


class StoreBusy(StoreError):
    """Another ingest holds the store's writer lock and did not release it in time."""

    code = "E022"


class OptionError(NewstraceError):
    """A command option holds a value the command does not accept (a format, a date)."""

    code = "E041"
    exit_status = 2


class OutputError(NewstraceError):
    """An output cannot be written: it is the store itself, a folder, or the disk refused it."""

    code = "E050"
    exit_status = 5


class NotFound(NewstraceError):
    """An id (entity, statement, claim, report, decision) that the store does not hold."""

    code = "E060"
    exit_status = 2
    http_status = 404


class DecisionError(NewstraceError):
    """A correction that cannot be applied as asked (too few ids, an unknown stance or status)."""

    code = "E061"
    exit_status = 2
    http_status = 400



class TokenRequired(NewstraceError):
    """A write (or, beyond loopback, a read) of the web workbench without the server's token."""

    code = "E070"
    exit_status = 2
    http_status = 401


class FormRejected(NewstraceError):
    """A workbench form without a logged-in session, with a bad CSRF token, or from another origin."""

    code = "E071"
    exit_status = 2
    http_status = 403


class ForbiddenAddress(FetchError):
    """A URL (or a redirect) leads to a loopback, private or link-local address without --allow-private."""

    code = "E014"


class WorkerFailed(NewstraceError):
    """A distributed worker failed on one report (it died under it, or its task broke): that report's problem."""

    code = "E015"


class EngineError(NewstraceError):
    """The distributed engine cannot run: no scheduler at --address, no worker, or a worker without the models."""

    code = "E080"
    exit_status = 5
