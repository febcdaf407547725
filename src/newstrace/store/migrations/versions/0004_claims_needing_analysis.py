"""claims needing analysis: a persisted mark, so an interrupted ingest's claims are analysed next run

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claims') as batch:
        batch.add_column(sa.Column('needs_analysis', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('ix_claims_needs_analysis', 'claims', ['needs_analysis'])


def downgrade() -> None:
    op.drop_index('ix_claims_needs_analysis', table_name='claims')
    with op.batch_alter_table('claims') as batch:
        batch.drop_column('needs_analysis')
