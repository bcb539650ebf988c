from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilot_products.demo_data import DEMO_PASSWORD, create_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (development only; refused in production)."

    def handle(self, *args, **options):
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError(
                "Demo accounts are never created in production (DJANGO_DEBUG=0)."
            )
        try:
            names = create_demo_accounts()
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Demo accounts ({DEMO_PASSWORD}): {', '.join(names)}")
        )
