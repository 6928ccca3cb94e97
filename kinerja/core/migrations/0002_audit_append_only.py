"""Database-level guard rail for the audit trail: records cannot be updated (or, on PostgreSQL,
deleted row by row). The hash chain is what detects tampering by someone who drops the trigger;
see kinerja.core.audit.audit_verify."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditrecord_append_only BEFORE UPDATE OR DELETE ON core_auditrecord
  FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditrecord_append_only ON core_auditrecord;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""
# SQLite: UPDATE only. Django's test flush deletes rows with DELETE, which a trigger would block;
# a deleted record still breaks the chain and is reported by `kinerja audit verify`.
SQLITE_UP = """
CREATE TRIGGER IF NOT EXISTS core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditrecord_no_update;"


def forwards(apps, schema_editor):
    sql = PG_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    schema_editor.execute(sql)


def backwards(apps, schema_editor):
    sql = PG_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
