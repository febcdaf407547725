"""figures, figure series and figure conflicts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 12:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('figures',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=True),
    sa.Column('block', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('counted', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('low', sa.Float(), nullable=False),
    sa.Column('high', sa.Float(), nullable=True),
    sa.Column('is_range', sa.Boolean(), nullable=False),
    sa.Column('refers_to', sa.String(length=10), nullable=True),
    sa.Column('refers_from', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('quantities', sa.JSON(), nullable=False),
    sa.Column('cumulative', sa.Boolean(), nullable=False),
    sa.Column('copy', sa.Boolean(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('series_key', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statements.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figures_block'), ['block'], unique=False)
        batch_op.create_index(batch_op.f('ix_figures_document_id'), ['document_id'], unique=False)

    op.create_table('figure_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('block', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('periods', sa.JSON(), nullable=False),
    sa.Column('trend', sa.String(length=16), nullable=False),
    sa.Column('cumulative', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('figure_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_series_block'), ['block'], unique=False)

    op.create_table('figure_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('block', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('origins', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('series_key', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('figure_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_conflicts_block'), ['block'], unique=False)


def downgrade() -> None:
    op.drop_table('figure_conflicts')
    op.drop_table('figure_series')
    with op.batch_alter_table('figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figures_document_id'))
        batch_op.drop_index(batch_op.f('ix_figures_block'))
    op.drop_table('figures')
