from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.regions import CURRENT_FILE, CURRENT_SOURCE, region_import


class Command(BaseCommand):
    help = "Import or update the Kemendagri region list (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CURRENT_FILE, help="CSV with code,name")
        parser.add_argument("--source", default=CURRENT_SOURCE, help="decree the file follows")
        parser.add_argument("--province", help="import only this 2-digit province code")
        parser.add_argument("--force", action="store_true", help="import even if unchanged")

    def handle(self, *args, file: Path, source: str, province: str | None, force: bool, **options):
        if not file.exists():
            raise CommandError(f"Region file not found: {file}")
        if province and not (len(province) == 2 and province.isdigit()):
            raise CommandError("--province takes a 2-digit province code, e.g. 64.")
        result = region_import(path=file, source=source, province=province, force=force)
        if result.skipped_unchanged:
            self.stdout.write("Regions are already up to date with this file.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.imported} regions ({source}); retired {result.retired}."
            )
        )
