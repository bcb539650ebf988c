"""Names a command line may give a spreadsheet resource by, mapped to our specs.

django-import-export's ``import`` and ``export`` commands take a resource class
path or a model label; ours accept those as well as our own names, and refuse any
other model: its rows would otherwise be written without any of the rules.
"""

from django.core.management.base import CommandError
from django.utils.module_loading import import_string

from pilot_products.resources import RESOURCES
from pilot_products.spreadsheets.specs import SPECS


def spec_name_for(argument: str) -> str:
    """Return the spec name ``argument`` names (``listings``, a path or a label)."""
    if argument in SPECS:
        return argument
    try:
        named = import_string(argument)
    except ImportError:
        named = None
    wanted = argument.lower()
    for name, resource in RESOURCES.items():
        model = resource.spec_class.model
        if named is not None and named in (resource, model):
            return name
        if wanted == model._meta.label_lower:
            return name
    raise CommandError(
        f"{argument} cannot be imported or exported here. Use one of: "
        f"{', '.join(sorted(SPECS))} (every import goes through the same checks "
        "as the admin and the portal)."
    )
