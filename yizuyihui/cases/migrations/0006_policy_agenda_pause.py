"""Time on the council's agenda is accounted for by the deadline policy (it was one site-wide
setting, YZYH_AGENDA_PAUSES_CLOCK, with urgent matters always counting): every existing row pauses
the clock except the urgent ones, which is what the setting's default did."""

from django.db import migrations, models


def urgent_rows_count_the_agenda(apps, schema_editor):
    DeadlinePolicy = apps.get_model("cases", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(urgency="urgent").update(agenda_pauses_clock=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_loop_seams")]

    operations = [
        migrations.AddField(
            model_name="deadlinepolicy",
            name="agenda_pauses_clock",
            field=models.BooleanField(default=True, verbose_name="time on the council's agenda does not count"),
        ),
        migrations.RunPython(urgent_rows_count_the_agenda, migrations.RunPython.noop),
    ]
