"""The reviewers' workbench: users, sessions, claims, the review queue and duplicate pairs.

Revision ID: 0002_review
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_review"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_user"),
        sa.UniqueConstraint("name", name="uq_review_user_name"),
    )
    op.create_table(
        "review_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["review_user.id"], name="fk_review_session_user_id_review_user", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_review_session"),
    )
    op.create_table(
        "review_claim",
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("claimed_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("subject", name="pk_review_claim"),
    )
    op.create_table(
        "review_item",
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("register", sa.String(16), nullable=True),
        sa.Column("book", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("queued_at", TS, nullable=False),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("done_by", sa.String(64), nullable=True),
        sa.Column("fields_checked", sa.Integer(), nullable=False),
        sa.Column("fields_changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_review_item"),
    )
    op.create_index("ix_review_item_queue", "review_item", ["state", "book", "record_id"])
    op.create_index("ix_review_item_done", "review_item", ["done_by", "done_at"])
    op.create_table(
        "dup_pair",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id_l", sa.String(40), nullable=False),
        sa.Column("record_id_r", sa.String(40), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("decision", sa.String(10), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dup_pair"),
        sa.UniqueConstraint("record_id_l", "record_id_r", name="uq_dup_pair_l_r"),
    )
    op.create_index("ix_dup_pair_status", "dup_pair", ["status", "probability"])


def downgrade() -> None:
    for table in ("dup_pair", "review_item", "review_claim", "review_session", "review_user"):
        op.drop_table(table)
