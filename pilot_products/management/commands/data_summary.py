import json

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print the row count of every model (and with --natural-keys, their natural "
        "keys) as JSON, to compare two databases after a move or a restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("--natural-keys", action="store_true")

    def handle(self, *args, natural_keys=False, **options):
        summary = {}
        for model in apps.get_models():
            entry = {"count": model._default_manager.count()}
            if natural_keys and hasattr(model, "natural_key"):
                entry["natural_keys"] = sorted(
                    json.dumps(obj.natural_key(), default=str, ensure_ascii=False)
                    for obj in model._default_manager.iterator()
                )
            summary[model._meta.label] = entry
        self.stdout.write(json.dumps(summary, indent=1, sort_keys=True))
