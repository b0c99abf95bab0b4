"""The plaintext cases.ApiKey table goes: accounts 0002 moved its keys into accounts.ApiKey as digests."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_policy_agenda_pause'),
        ('accounts', '0002_hash_existing_case_keys'),  # reads the old table before it is dropped
    ]

    operations = [
        migrations.DeleteModel(
            name='ApiKey',
        ),
    ]
