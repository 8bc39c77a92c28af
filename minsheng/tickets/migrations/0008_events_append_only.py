"""The database itself refuses to change a timeline event, not only the model.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which only the owner's maintenance uses, is
untouched). SQLite refuses UPDATE; it keeps DELETE, which Django's test flush needs there. What
an owner who switches the trigger off can still do, the hash chain shows (`verify_timeline`).
"""

from typing import Any

from django.db import migrations

MESSAGE = "流转记录只能追加，不能修改或删除。"

POSTGRESQL = [
    "CREATE FUNCTION tickets_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$",
    "CREATE TRIGGER tickets_event_append_only BEFORE UPDATE OR DELETE ON tickets_ticketevent "
    "FOR EACH ROW EXECUTE FUNCTION tickets_event_append_only()",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER tickets_event_append_only ON tickets_ticketevent",
    "DROP FUNCTION tickets_event_append_only()",
]
SQLITE = [
    "CREATE TRIGGER tickets_event_append_only BEFORE UPDATE ON tickets_ticketevent "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_UNDO = ["DROP TRIGGER tickets_event_append_only"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_drop_covered_fk_indexes")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        )
    ]
