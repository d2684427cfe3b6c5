"""PostgreSQL roles: the application's role may add audit events and read them, never change them.

The ``event`` table already refuses UPDATE / DELETE / TRUNCATE by trigger (migration 0001), but a
trigger can be dropped by whoever owns the table. ``harden_audit`` adds the second lock: the
application connects as a role that does not own the tables and holds only SELECT and INSERT on
``event`` (it keeps full DML on the working tables). Run it once as the owner or a superuser, after
migrations; migrations themselves keep running as the owner.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from store.db import make_engine

__all__ = ["harden_audit"]

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def harden_audit(engine_or_url: Engine | str, app_role: str, password: str | None = None) -> None:
    """Create (if missing) the non-superuser login role ``app_role`` and grant it what the pipeline needs,
    with only SELECT, INSERT on ``event`` (UPDATE, DELETE, TRUNCATE revoked, also from PUBLIC).

    Refuses a role that is a superuser or owns ``event`` (either could undo the grants or the trigger).
    Idempotent. PostgreSQL only: SQLite has no roles (its triggers are the guard there).
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    if engine.dialect.name != "postgresql":
        raise NotImplementedError(
            "roles exist on PostgreSQL only; on SQLite the append-only triggers guard event"
        )
    if not _IDENT.match(app_role):
        raise ValueError("role name: lower-case letters, digits and _ only")
    role = f'"{app_role}"'
    with engine.begin() as conn:
        row = conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = :r"), {"r": app_role}).first()
        if row is None:
            # the password goes as a literal: CREATE ROLE takes no bind parameters
            pw = (
                ""
                if password is None
                else " PASSWORD "
                + conn.exec_driver_sql("SELECT quote_literal(%(p)s)", {"p": password}).scalar_one()
            )
            conn.exec_driver_sql(
                f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT{pw}"
            )
        elif row.rolsuper:
            raise ValueError(f"{app_role} is a superuser: it could rewrite the audit log")
        owner = conn.execute(
            text(
                "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'event'"
            )
        ).scalar()
        if owner is None:
            raise RuntimeError("no event table: run the migrations first")
        if owner == app_role:
            raise ValueError(f"{app_role} owns the event table: it could drop the append-only trigger")
        db = conn.execute(text("SELECT current_database()")).scalar_one()
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{db}" TO {role}')
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        # every working table (also ones later migrations add: run this again after them), then narrow
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        conn.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}")
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        conn.exec_driver_sql("REVOKE UPDATE, DELETE, TRUNCATE ON event FROM PUBLIC")
        conn.exec_driver_sql(f"REVOKE ALL ON event FROM {role}")
        conn.exec_driver_sql(f"GRANT SELECT, INSERT ON event TO {role}")
