from django.db import migrations

from pilot_products.roles import sync_roles


def apply_roles(apps, schema_editor):
    """Staff who see the import records see the export records too."""
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("pilot_products", "0019_listing_search_terms_on_row"),
    ]

    operations = [
        migrations.RunPython(apply_roles, migrations.RunPython.noop),
    ]
