"""django-import-export resources, one per spreadsheet resource, built from the specs.

The columns, parsers and rules live in ``pilot_products.spreadsheets.specs``; these
classes give django-import-export's admin what it needs (the field list for the
export form's field choice) and route every export through the same escaped,
streaming writer. Imports never use django-import-export's row-by-row path: the
admin calls ``spreadsheets.engine.run_import`` (see ``admin/spreadsheets.py``).
"""

import tablib
from import_export import fields, resources

from pilot_products.spreadsheets.exporting import export_table
from pilot_products.spreadsheets.specs import SPECS, Scope, Spec


class SpecResource(resources.Resource):
    """A resource whose fields are a spec's columns, exported through the spec."""

    spec_class: type[Spec]

    @classmethod
    def get_display_name(cls):
        return cls.spec_class.name

    def export(self, queryset=None, **kwargs):
        """Export like the admin and command line do, formula cells escaped."""
        keys = kwargs.get("export_fields")
        headers, rows = export_table(self.spec_class(Scope()), queryset, keys)
        return tablib.Dataset(*rows, headers=headers)

    def import_data(self, *args, **kwargs):
        raise NotImplementedError(
            "Imports go through pilot_products.spreadsheets.engine.run_import."
        )


def _resource_for(spec_class: type[Spec]) -> type[SpecResource]:
    attributes = {
        column.key: fields.Field(
            attribute=column.key, column_name=column.header, readonly=column.read_only
        )
        for column in spec_class.columns
    }
    attributes["spec_class"] = spec_class
    attributes["Meta"] = type("Meta", (), {"name": spec_class.name})
    class_name = "".join(part.title() for part in spec_class.name.split("-"))
    return type(f"{class_name}Resource", (SpecResource,), attributes)


RESOURCES: dict[str, type[SpecResource]] = {
    name: _resource_for(spec_class) for name, spec_class in SPECS.items()
}
CategoryResource = RESOURCES["categories"]
TariffLineResource = RESOURCES["tariff-lines"]
CbecEntryResource = RESOURCES["cbec-entries"]
PilotProductResource = RESOURCES["pilot-products"]
WholesalerResource = RESOURCES["wholesalers"]
BoothResource = RESOURCES["booths"]
ListingResource = RESOURCES["listings"]
OfficialFigureResource = RESOURCES["official-figures"]
ImportBatchResource = RESOURCES["import-batches"]
ImportBatchLineResource = RESOURCES["import-batch-lines"]
