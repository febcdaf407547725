"""Incremental resolution during ingest: each new report updates the entities and claims it touches.

Interim version: entities keyed by label and name; replaced by the blocking resolver and the
claim clusterer as they land.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..settings import Settings
from ..store.schema import DocumentRow, EntityRow, MentionRow, StatementRow


class Resolution:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @classmethod
    def load(cls, db, settings: Settings) -> "Resolution":
        return cls(settings)

    def add_report(self, session: Session, row: DocumentRow, processed) -> None:
        mentions = session.scalars(select(MentionRow).where(MentionRow.document_id == row.id)).all()
        keys = {}
        for m in mentions:
            key = f"{m.label}:{m.name.lower()}"
            m.entity_key = key
            keys[key] = m
        for key, m in keys.items():
            ent = session.scalar(select(EntityRow).where(EntityRow.key == key))
            if ent is None:
                session.add(EntityRow(key=key, name=m.name, type=m.label, aliases=[m.text], roles=[],
                                      lat=m.lat, lon=m.lon, country=m.country, merges=[], state={}))
        for st in session.scalars(select(StatementRow).where(StatementRow.document_id == row.id)):
            if st.speaker_name:
                key = f"{st.speaker_label}:{st.speaker_name.lower()}"
                if session.scalar(select(EntityRow.id).where(EntityRow.key == key)) is None:
                    session.add(EntityRow(key=key, name=st.speaker_name, type=st.speaker_label or "UNKNOWN",
                                          aliases=[st.speaker_name], roles=[], merges=[], state={}))
                    session.flush()
                st.speaker_key = key

    def finish(self, db) -> None:
        pass
