from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.demo import demo_city_seed
from agencies.network_demo import demo_network_seed
from agencies.prevention_demo import demo_prevention_seed
from cases.demo import demo_cases_seed
from meetings.demo import demo_meetings_seed
from referrals.demo import demo_referrals_seed
from reports.tasks import reports_refresh


class Command(BaseCommand):
    help = "Create the demo city (Kota Balikpapan) with its agencies and users. Safe to re-run."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with SINERGI_ENV=production.")
        with transaction.atomic():
            result = demo_city_seed()
            cases_created = demo_cases_seed()
            referrals_created = demo_referrals_seed()
            meetings_created = demo_meetings_seed()
            members_created = demo_network_seed()
            activities_created = demo_prevention_seed()
        # The dashboards read aggregates: fill them now rather than at the first refresh.
        reports_refresh()
        self.stdout.write(self.style.SUCCESS(f"Demo city ready: {result.city}."))
        if cases_created:
            self.stdout.write(f"Created {cases_created} demo cases (fictional children).")
        if meetings_created:
            self.stdout.write(f"Created the demo forum with {meetings_created} meetings.")
        if members_created:
            self.stdout.write(
                f"Created the Balikpapan joint agreement and {members_created} network members."
            )
        if activities_created:
            self.stdout.write(f"Created {activities_created} demo prevention activities.")
        if referrals_created:
            self.stdout.write(f"Created {referrals_created} demo referrals, one in each state.")
        self.stdout.write("Demo logins (username / role / agency):")
        for username, role, agency in result.logins:
            self.stdout.write(f"  {username:<6} {role:<28} {agency}")
        self.stdout.write(f"Password for all demo users (DEMO_PASSWORD): {result.password}")
