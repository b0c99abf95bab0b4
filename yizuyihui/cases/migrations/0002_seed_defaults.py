"""Seed the default taxonomy (label_tree.csv), the working-day calendar (chinesecalendar) and the
deadline policy table. Each seeding service is idempotent and also callable from the demo/CLI."""

from django.db import migrations


def seed(apps, schema_editor):
    # The services use the real models (the policy rows the historical one: later columns don't exist yet).
    from yizuyihui.cases import deadlines, services

    services.categories_load()
    deadlines.calendar_seed()
    deadlines.policy_seed(model=apps.get_model("cases", "DeadlinePolicy"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
