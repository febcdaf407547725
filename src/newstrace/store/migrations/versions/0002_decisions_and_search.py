"""decisions (stored corrections) and full-text search

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 11:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# SQLite: external-content FTS5 tables kept in step with their source rows by triggers.
_FTS = {"documents_fts": ("documents", ("title", "clean_text")),
        "statements_fts": ("statements", ("sentence_text", "speaker_text"))}


def upgrade() -> None:
    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts, (table, cols) in _FTS.items():
            colist = ", ".join(cols)
            new = ", ".join(f"new.{c}" for c in cols)
            old = ", ".join(f"old.{c}" for c in cols)
            op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({colist}, content='{table}', content_rowid='id')")
            op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                       f"INSERT INTO {fts}(rowid, {colist}) VALUES (new.id, {new}); END")
            op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, {colist}) VALUES ('delete', old.id, {old}); END")
            op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {colist} ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, {colist}) VALUES ('delete', old.id, {old}); "
                       f"INSERT INTO {fts}(rowid, {colist}) VALUES (new.id, {new}); END")
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_documents_fts ON documents USING gin "
                   "(to_tsvector('english', coalesce(title, '') || ' ' || clean_text))")
        op.execute("CREATE INDEX ix_statements_fts ON statements USING gin "
                   "(to_tsvector('english', sentence_text || ' ' || speaker_text))")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts, (table, _cols) in _FTS.items():
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
        op.execute("DROP INDEX IF EXISTS ix_statements_fts")
    op.drop_table('decisions')
