"""Move the plaintext keys of cases.ApiKey into accounts.ApiKey as digests, and wipe them."""

import hashlib

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("cases", "ApiKey")
    New = apps.get_model("accounts", "ApiKey")
    for old in Old.objects.all():
        digest = hashlib.sha256(old.key.encode()).hexdigest()
        if not New.objects.filter(digest=digest).exists():
            New.objects.create(user_id=old.user_id, name=old.name, prefix=old.key[:12], digest=digest)
        if not old.active:
            New.objects.filter(digest=digest).update(revoked_at=old.created_at)
    Old.objects.all().delete()  # no key stays in clear


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
