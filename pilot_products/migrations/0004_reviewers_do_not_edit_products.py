from django.db import migrations

from pilot_products.roles import sync_roles


def sync(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """Reviewers lose change_pilotproduct: they decide on products, editors edit them."""

    dependencies = [
        ("pilot_products", "0003_pilot_list_history"),
    ]

    # Roles follow ROLE_PERMISSIONS in both directions; reversing changes nothing.
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
