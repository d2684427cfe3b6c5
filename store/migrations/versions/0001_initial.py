"""Every table of the store, and the append-only guard on ``event``.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _field_columns() -> list[sa.Column]:
    return [
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("bbox_x", sa.Integer(), nullable=True),
        sa.Column("bbox_y", sa.Integer(), nullable=True),
        sa.Column("bbox_w", sa.Integer(), nullable=True),
        sa.Column("bbox_h", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=True),
        sa.Column("actor", sa.String(128), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "source_file",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("n_pages", sa.Integer(), nullable=True),
        sa.Column("first_seen", TS, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_source_file"),
    )
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("page_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("register", sa.String(16), nullable=True),
        sa.Column("template_id", sa.String(64), nullable=True),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("skew", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.String(64), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("stored_at", sa.Text(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["file_sha256"], ["source_file.sha256"], name="fk_page_file_sha256_source_file"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_page"),
        sa.UniqueConstraint("file_sha256", "page_no", name="uq_page_file_page"),
    )
    op.create_table(
        "run",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_run"),
    )
    op.create_table(
        "run_page",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=True),
        sa.Column("loaded_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name="fk_run_page_page_id_page"),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name="fk_run_page_run_id_run"),
        sa.PrimaryKeyConstraint("run_id", "page_id", name="pk_run_page"),
    )
    op.create_table(
        "record",
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(16), nullable=True),
        sa.Column("template_id", sa.String(64), nullable=True),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("bbox_x", sa.Integer(), nullable=False),
        sa.Column("bbox_y", sa.Integer(), nullable=False),
        sa.Column("bbox_w", sa.Integer(), nullable=False),
        sa.Column("bbox_h", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name="fk_record_page_id_page"),
        sa.PrimaryKeyConstraint("record_id", name="pk_record"),
        sa.UniqueConstraint("page_id", "row", name="uq_record_page_row"),
    )
    op.create_table(
        "field_value",
        sa.Column("record_id", sa.String(40), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        *_field_columns(),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.record_id"], name="fk_field_value_record_id_record", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("record_id", "key", name="pk_field_value"),
    )
    op.create_table(
        "page_field",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        *_field_columns(),
        sa.ForeignKeyConstraint(
            ["page_id"], ["page.id"], name="fk_page_field_page_id_page", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("page_id", "key", name="pk_page_field"),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
        sa.UniqueConstraint("hash", name="uq_event_hash"),
    )
    op.create_index("ix_event_prev_hash", "event", ["prev_hash"])
    op.create_index("ix_event_subject", "event", ["subject"])
    _event_append_only()


def _event_append_only() -> None:
    """Make ``event`` rows impossible to UPDATE or DELETE through the application's connection."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'event is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER event_no_update_delete BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION event_append_only()"
        )
    else:
        # SQLite: whoever holds the file can drop these, but ordinary code paths cannot edit the log
        op.execute(
            "CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
            "BEGIN SELECT RAISE(ABORT, 'event is append-only: UPDATE refused'); END"
        )
        op.execute(
            "CREATE TRIGGER event_no_delete BEFORE DELETE ON event "
            "BEGIN SELECT RAISE(ABORT, 'event is append-only: DELETE refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_no_truncate ON event")
        op.execute("DROP TRIGGER IF EXISTS event_no_update_delete ON event")
        op.execute("DROP FUNCTION IF EXISTS event_append_only()")
    for table in ("event", "page_field", "field_value", "record", "run_page", "run", "page", "source_file"):
        op.drop_table(table)
