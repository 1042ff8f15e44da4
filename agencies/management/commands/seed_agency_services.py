from django.core.management.base import BaseCommand

from agencies.models import Agency
from agencies.services import agency_services_seed


class Command(BaseCommand):
    help = "Give every agency the default service catalogue of its type (keeps existing entries)."

    def handle(self, *args, **options):
        added = sum(agency_services_seed(agency=agency) for agency in Agency.objects.all())
        self.stdout.write(f"Added {added} catalogue entries.")
