# Notification and Supervision moved to their own apps (notifications, supervision). The tables
# stay where they are, with their rows: this only drops the models from the cases state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_seed_defaults"),
        ("notifications", "0001_initial"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification"), migrations.DeleteModel(name="Supervision")],
            database_operations=[],
        ),
    ]
