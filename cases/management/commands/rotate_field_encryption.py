from django.core.management.base import BaseCommand

from api.models import IdempotencyKey
from cases.documents import documents_reencrypt
from cases.encryption import encrypted_columns, rotate_column, rotate_stored_file
from reports.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Re-encrypt everything stored encrypted (columns, kept API answers, case documents, "
        "uploaded import files) under the first key of FIELD_ENCRYPTION_KEYS. Put the new key "
        "first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        for model, column in encrypted_columns():
            count = rotate_column(model, column)
            self.stdout.write(f"{model._meta.label}.{column}: {count} values re-encrypted")
        # Kept answers of Idempotency-Key requests may hold case text (a note, a code).
        count = rotate_column(IdempotencyKey, "body")
        self.stdout.write(f"{IdempotencyKey._meta.label}.body: {count} values re-encrypted")
        self.stdout.write(f"documents: {documents_reencrypt()} files re-encrypted")
        self.stdout.write(f"import files: {self.import_files()} files re-encrypted")

    def import_files(self) -> int:
        """Spreadsheets of past cases (names included) kept while an import waits; one
        being checked or imported right now is left to its worker (run this again)."""
        batches = (
            ImportBatch.objects.exclude(file="")
            .exclude(status__in=[ImportBatch.Status.VALIDATING, ImportBatch.Status.IMPORTING])
            .only("file")
            .iterator()
        )
        return sum(rotate_stored_file(batch, "file") for batch in batches)
