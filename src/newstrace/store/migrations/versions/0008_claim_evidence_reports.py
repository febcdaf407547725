"""claims: how many reports describe each kind of evidence, stored with the claim's analysis

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 02:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL on claims analysed before: the brief counts those itself until their next analysis
    op.add_column('claims', sa.Column('evidence_reports', sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column('claims', 'evidence_reports')
