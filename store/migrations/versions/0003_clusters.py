"""Duplicate clusters: which cluster each record belongs to, and the cluster's representative.

Revision ID: 0003_clusters
Revises: 0002_review
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_clusters"
down_revision = "0002_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_cluster",
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("cluster_id", sa.String(40), nullable=False),
        sa.Column("is_representative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.record_id"], name="fk_record_cluster_record_id_record"),
        sa.PrimaryKeyConstraint("record_id", name="pk_record_cluster"),
    )
    op.create_index("ix_record_cluster_cluster_id", "record_cluster", ["cluster_id"])


def downgrade() -> None:
    op.drop_index("ix_record_cluster_cluster_id", table_name="record_cluster")
    op.drop_table("record_cluster")
