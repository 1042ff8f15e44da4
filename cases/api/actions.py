"""API: the steps of a case, each a POST to ``/cases/{code}/<step>/`` calling the
workflow service the web page's button calls. The service decides who may take the
step (403 otherwise) and whether the case is at that step (400 otherwise). Every step
answers with the case and its new ETag; If-Match is optional here, and checked when
sent (412 when stale)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action

from api.conditional import require_if_match
from cases import workflow
from cases.api.inputs import (
    AssessmentInput,
    AssignInput,
    ClosureInput,
    NoteInput,
    PlanDecisionInput,
    PlanInput,
    PoliceReportInput,
    ReopenInput,
    ViolenceFormsInput,
)
from cases.api.serializers import CaseDetailSerializer
from cases.models import InterventionPlan

IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional: the ETag you read; the step is refused (412) if the case changed.",
)
STEP_RESPONSES = {
    200: CaseDetailSerializer,
    204: OpenApiResponse(description="Done; the case is no longer visible to the caller."),
}


def step(url_path: str, request=None, description: str = ""):
    """A workflow step: a detail POST documented with its input and the case it returns."""

    def decorate(method):
        documented = extend_schema(
            request=request,
            responses=STEP_RESPONSES,
            parameters=[IF_MATCH_OPTIONAL],
            description=description,
        )(method)
        return action(detail=True, methods=["post"], url_path=url_path)(documented)

    return decorate


class CaseActionsMixin:
    """Workflow steps of ``CaseViewSet``."""

    def take_step(self, service, input_class=None, *, permitted=None):
        """Fetch the case through visibility, refuse who may not take the step when
        ``permitted(case)`` says so (before the input is read: its errors would tell what
        the caller may not know), check If-Match if sent, parse the input, call
        ``service(case, data)``, answer with the case."""
        case = self.get_object()
        if permitted is not None and not permitted(case):
            raise exceptions.PermissionDenied
        if self.request.headers.get("If-Match"):
            require_if_match(self.request, case)
        data = {}
        if input_class is not None:
            context = {**self.get_serializer_context(), "case": case}
            serializer = input_class(data=self.request.data, context=context)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        service(case, data)
        return self.detail_response(case)

    @step("start-assessment", description="New → assessment (the lead caseworker is set).")
    def start_assessment(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_start_assessment(case=case, started_by=request.user)
        )

    @step("assessments", AssessmentInput, "Record an assessment (the case has started).")
    def record_assessment(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.assessment_record(
                case=case, written_by=request.user, **data
            ),
            AssessmentInput,
        )

    @step("plans", PlanInput, "Submit the intervention plan for a supervisor's approval.")
    def submit_plan(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.plan_submit(
                case=case,
                written_by=request.user,
                goals=data["goals"],
                planned_services=sorted(data["planned_services"]),
            ),
            PlanInput,
        )

    @step("plan-decision", PlanDecisionInput, "A supervisor approves or returns a plan.")
    def decide_plan(self, request, *args, **kwargs):
        def decide(case, data):
            plan = (
                InterventionPlan.objects.visible_to(request.user)
                .filter(case=case, pk=data["plan"])
                .first()
            )
            if plan is None:
                raise exceptions.ValidationError({"plan": [exceptions.NotFound.default_detail]})
            if data["decision"] == "approve":
                workflow.plan_approve(plan=plan, approved_by=request.user, note=data["note"])
            else:
                workflow.plan_return(plan=plan, returned_by=request.user, note=data["note"])

        return self.take_step(decide, PlanDecisionInput)

    @step("start-monitoring", description="Intervention → monitoring.")
    def start_monitoring(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_start_monitoring(case=case, started_by=request.user)
        )

    @step("request-closure", ClosureInput, "Ask a supervisor to close the case.")
    def request_closure(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.closure_request(
                case=case, requested_by=request.user, **data
            ),
            ClosureInput,
        )

    @step("approve-closure", description="A supervisor (not the requester) closes the case.")
    def approve_closure(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.closure_approve(case=case, approved_by=request.user)
        )

    @step("reopen", ReopenInput, "A supervisor reopens a closed case, saying why.")
    def reopen(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_reopen(
                case=case, reopened_by=request.user, note=data["note"]
            ),
            ReopenInput,
        )

    @step("notes", NoteInput, "Record a case note or a visit.")
    def record_note(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.note_record(case=case, written_by=request.user, **data),
            NoteInput,
        )

    @step("assign", AssignInput, "A supervisor gives the case a lead caseworker and a team.")
    def assign(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_assign(
                case=case,
                assigned_by=request.user,
                lead_caseworker=data["lead_caseworker"],
                team=data["team"],
                expected_version=case.version,
            ),
            AssignInput,
            # The input names the lead agency's caseworkers: only its supervisors read it.
            permitted=lambda case: case.is_supervised_by(request.user),
        )

    @step("police-report", PoliceReportInput, "Record the police report of a TPKS case.")
    def police_report(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_police_report_record(
                case=case,
                recorded_by=request.user,
                reported_at=data["police_reported_at"],
                expected_version=case.version,
            ),
            PoliceReportInput,
        )

    @step("violence-forms", ViolenceFormsInput, "Set the forms of violence.")
    def violence_forms(self, request, *args, **kwargs):
        return self.take_step(
            lambda case, data: workflow.case_set_violence_forms(
                case=case,
                changed_by=request.user,
                violence_forms=sorted(data["violence_forms"]),
                tpks_offence=data["tpks_offence"],
                expected_version=case.version,
            ),
            ViolenceFormsInput,
        )
