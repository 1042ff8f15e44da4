"""The textbook system's view of the case tables: unmanaged models over Sinergi's own
``cases_case`` and ``cases_caseviolenceform`` rows (no table of their own, no copy).

Why a model of our own, and not ``cases.Case`` or a proxy of it: guardian picks the
grant table in ``guardian.utils.get_obj_perms_model`` by looking at the reverse
relations of the queried model; ``cases.CaseUserObjectPermission`` (a direct foreign
key to ``cases.Case``) is one of them, so ``get_objects_for_user(klass=Case)`` goes to
the fast direct table. A proxy does not help: Django gives a proxy its concrete model's
reverse relations, and guardian's default content type is the concrete model's, so it
still finds the direct table. A separate (unmanaged) model has no direct grant table,
so guardian does what it does for any model that has none, by its own rules and with no
setting changed: it uses the generic ``guardian_userobjectpermission`` table with this
model's content type (``baseline.case``) and permission ``baseline.view_case``.

The SQL is then exactly the textbook system's: the same ``cases_case`` table and its
indexes, filtered by ``("cases_case"."id")::varchar IN (SELECT object_pk FROM
guardian_userobjectpermission ...)``. Only the columns a list row shows are mapped, so
the baseline never pays for columns (or decryption) it does not show: if anything, that
flatters it. Choices are left out too (the serializer shows the stored values either way),
so the mirror needs no new migration when Sinergi's choices change.
"""

from django.conf import settings
from django.db import models

from agencies.models import Agency


class Case(models.Model):
    code = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=12)
    risk_level = models.CharField(max_length=8)
    reported_at = models.DateTimeField()
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    lead_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "cases_case"
        ordering = ["-created_at"]
        # Only what the textbook list checks: no add/change/delete grants to hold.
        default_permissions = ("view",)

    def __str__(self) -> str:
        return self.code


class CaseViolenceForm(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="violence_forms"
    )
    form = models.CharField(max_length=16)

    class Meta:
        managed = False
        db_table = "cases_caseviolenceform"
        default_permissions = ()

    def __str__(self) -> str:
        return self.form
