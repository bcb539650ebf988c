from django.db import migrations

from pilot_products.roles import sync_roles


def apply_roles(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    """Reviewers publish pilot list versions but no longer edit them (four-eyes rule)."""

    dependencies = [("pilot_products", "0005_listing_catalogue_indexes")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
