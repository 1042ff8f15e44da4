"""Detail pages whose every read is audited, in the same transaction as the page."""

from django.db import transaction

from agencies.auth import client_address
from cases.models import AuditEvent
from cases.services import audit_record


class AuditedReadMixin:
    """For a ScopedDetailView: records who read the object, from where, when.

    ``audit_details(obj)`` names the case, the record and the fields the read concerns.
    """

    def audit_details(self, obj) -> dict:
        return {"obj": obj}

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                ip_address=client_address(request),
                **self.audit_details(self.object),
            )
        return response.render()
