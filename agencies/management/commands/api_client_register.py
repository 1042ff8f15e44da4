from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.api_clients import api_client_register
from agencies.models import Agency, ApiScope, User
from agencies.roles import Role, has_role


class Command(BaseCommand):
    help = (
        "Register a partner system's API client for an agency and print its token once "
        "(the admin site does the same under API clients)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="agency id or its nomenclature")
        parser.add_argument("--name", required=True, help="the partner system's name")
        parser.add_argument("--role", action="append", required=True, help="repeatable")
        parser.add_argument(
            "--scope", action="append", required=True, choices=ApiScope.values, help="repeatable"
        )
        parser.add_argument("--days", type=int, default=365, help="lifetime of the token")
        parser.add_argument(
            "--registered-by", required=True, help="username of the admin registering it"
        )

    def handle(self, *args, **options):
        admin = User.objects.filter(username=options["registered_by"]).first()
        if admin is None or not (admin.is_superuser or has_role(admin, Role.ADMIN)):
            raise CommandError("--registered-by must name a system administrator.")
        agency = self._agency(options["agency"])
        try:
            _client, token = api_client_register(
                agency=agency,
                name=options["name"],
                roles=options["role"],
                scopes=options["scope"],
                expires_at=timezone.now() + timedelta(days=options["days"]),
                registered_by=admin,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(token)

    def _agency(self, key: str) -> Agency:
        agencies = Agency.objects.filter(is_active=True)
        agency = (
            agencies.filter(pk=int(key)).first()
            if key.isdigit()
            else agencies.filter(nomenclature=key).first()
        )
        if agency is None:
            raise CommandError(f"No active agency {key!r}.")
        return agency
