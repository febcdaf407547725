"""joint statements indexed: a partial index over the statements that have other parties

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_JOINT = sa.text("co_speakers IS NOT NULL")


def upgrade() -> None:
    # the few joint statements are found without reading every statement of the store
    op.create_index('ix_statements_joint', 'statements', ['id'], sqlite_where=_JOINT, postgresql_where=_JOINT)


def downgrade() -> None:
    op.drop_index('ix_statements_joint', table_name='statements')
