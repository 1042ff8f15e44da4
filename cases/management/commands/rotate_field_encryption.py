from django.core.management.base import BaseCommand

from cases.documents import documents_reencrypt
from cases.encryption import encrypted_columns, rotate_column


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args, **options):
        for model, column in encrypted_columns():
            count = rotate_column(model, column)
            self.stdout.write(f"{model._meta.label}.{column}: {count} values re-encrypted")
        self.stdout.write(f"documents: {documents_reencrypt()} files re-encrypted")
