# The Supervision model moved here from `cases`: the table (cases_supervision) and its rows stay;
# only Django's idea of which app owns it changes (cases/0003 removes it from the cases state).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0002_seed_defaults"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Supervision",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("kind", models.CharField(default="overdue", max_length=40, verbose_name="kind")),
                        ("reason", models.TextField(verbose_name="reason")),
                        ("state", models.CharField(choices=[("open", "Open"), ("answered", "Answered"), ("closed", "Closed")],
                                                   default="open", max_length=10, verbose_name="state")),
                        ("answer", models.TextField(blank=True, verbose_name="answer")),
                        ("opened_at", models.DateTimeField(verbose_name="opened at")),
                        ("answered_at", models.DateTimeField(blank=True, null=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("answered_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                          related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("closed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                        related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                           to="contenttypes.contenttype")),
                        ("node", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="supervisions",
                                                   to="org.orgnode", verbose_name="supervising level")),
                    ],
                    options={
                        "db_table": "cases_supervision",
                        "verbose_name": "supervision",
                        "verbose_name_plural": "supervisions",
                        "indexes": [models.Index(fields=["node", "state"], name="supervision_node_state")],
                        "constraints": [models.UniqueConstraint(fields=["content_type", "object_id", "kind"],
                                                                name="one_supervision_per_subject_kind")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
