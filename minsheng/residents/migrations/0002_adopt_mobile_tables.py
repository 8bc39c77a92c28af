"""The resident pages were two apps, `mobile` and `feedback`; `mobile`'s tables move here.

A database made before the move has `mobile_follower` and `mobile_pendingphoto`: their rows are
copied into this app's tables and the old tables dropped. A new database has neither.
"""

from django.db import migrations

MOVED = [("mobile_follower", "residents_follower"), ("mobile_pendingphoto", "residents_pendingphoto")]


def adopt(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    quote = schema_editor.quote_name
    for old, new in MOVED:
        if old not in existing:
            continue
        columns = [c.name for c in connection.introspection.get_table_description(
            connection.cursor(), old
        )]
        names = ", ".join(quote(c) for c in columns)
        schema_editor.execute(f"INSERT INTO {quote(new)} ({names}) SELECT {names} FROM {quote(old)}")
        schema_editor.execute(f"DROP TABLE {quote(old)}")


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_followers_and_pending_photos")]
    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
