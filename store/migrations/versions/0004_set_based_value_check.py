"""PostgreSQL: check field_value -> record once per statement instead of once per row.

The declarative foreign key ran one lookup-and-lock query per inserted value: with ~25 values per
entry it was 45 % of the server's time in a bulk load (issue 7: entries per second). The same rule is
kept, enforced set-wise by statement triggers over the transition tables:

- inserting or updating values: every record they name must exist; the records are locked
  ``FOR KEY SHARE`` first, as the foreign key locks them, so a concurrent delete waits for us;
- deleting records deletes their values (the foreign key's ``ON DELETE CASCADE``);
- changing a record's id while values name it is refused (the foreign key's ``NO ACTION``).

A violation raises SQLSTATE 23503 ``foreign_key_violation`` under the old constraint's name, so
callers see the same IntegrityError. SQLite keeps the declarative key (it checks rows in C, cheaply).

Revision ID: 0004_set_based_value_check
Revises: 0003_clusters
"""

from __future__ import annotations

from alembic import op

revision = "0004_set_based_value_check"
down_revision = "0003_clusters"
branch_labels = None
depends_on = None

FK = "fk_field_value_record_id_record"


def _refuse(message: str, table: str) -> str:
    """The error the foreign key would give: SQLSTATE 23503 under its name."""
    return f"RAISE foreign_key_violation USING MESSAGE = '{message}', CONSTRAINT = '{FK}', TABLE = '{table}';"


_UP = f"""
ALTER TABLE field_value DROP CONSTRAINT {FK};

CREATE FUNCTION hotich_values_have_records() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
  found bigint;
BEGIN
  -- "= ANY(array)" keeps every cached plan an index lookup per distinct record, whatever the batch size
  SELECT array_agg(DISTINCT record_id) INTO ids FROM new_values;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT count(*) INTO found FROM (
    SELECT 1 FROM record r WHERE r.record_id = ANY (ids) FOR KEY SHARE OF r
  ) AS locked;
  IF found < cardinality(ids) THEN
    {_refuse("field_value names a record that does not exist", "field_value")}
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER field_value_records_exist_on_insert AFTER INSERT ON field_value
  REFERENCING NEW TABLE AS new_values FOR EACH STATEMENT EXECUTE FUNCTION hotich_values_have_records();
CREATE TRIGGER field_value_records_exist_on_update AFTER UPDATE ON field_value
  REFERENCING NEW TABLE AS new_values FOR EACH STATEMENT EXECUTE FUNCTION hotich_values_have_records();

CREATE FUNCTION hotich_record_delete_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM field_value WHERE record_id = ANY (ARRAY(SELECT record_id FROM old_records));
  RETURN NULL;
END $$;

CREATE TRIGGER record_delete_cascades_to_values AFTER DELETE ON record
  REFERENCING OLD TABLE AS old_records FOR EACH STATEMENT EXECUTE FUNCTION hotich_record_delete_values();

CREATE FUNCTION hotich_record_keep_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  gone text[];
BEGIN
  gone := ARRAY(SELECT o.record_id FROM old_records o EXCEPT SELECT n.record_id FROM new_records n);
  IF cardinality(gone) > 0 AND EXISTS (SELECT 1 FROM field_value WHERE record_id = ANY (gone)) THEN
    {_refuse("a record whose values name it cannot change its id", "record")}
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER record_ids_kept_on_update AFTER UPDATE ON record
  REFERENCING OLD TABLE AS old_records NEW TABLE AS new_records
  FOR EACH STATEMENT EXECUTE FUNCTION hotich_record_keep_ids();
"""

_DOWN = f"""
DROP TRIGGER record_ids_kept_on_update ON record;
DROP TRIGGER record_delete_cascades_to_values ON record;
DROP TRIGGER field_value_records_exist_on_update ON field_value;
DROP TRIGGER field_value_records_exist_on_insert ON field_value;
DROP FUNCTION hotich_record_keep_ids();
DROP FUNCTION hotich_record_delete_values();
DROP FUNCTION hotich_values_have_records();
ALTER TABLE field_value ADD CONSTRAINT {FK}
  FOREIGN KEY (record_id) REFERENCES record (record_id) ON DELETE CASCADE;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_UP)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_DOWN)
