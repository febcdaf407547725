"""joint speakers: the entity keys of the other parties to a joint statement

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statements') as batch:
        batch.add_column(sa.Column('co_speakers', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('statements') as batch:
        batch.drop_column('co_speakers')
