from rest_framework.routers import SimpleRouter

from cases.api.cases import CaseViewSet
from cases.api.complaints import ComplaintViewSet
from cases.api.persons import CasePersonViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="api-case")
router.register(
    r"cases/(?P<case_code>[A-Za-z0-9-]+)/persons", CasePersonViewSet, basename="api-case-person"
)
router.register("complaints", ComplaintViewSet, basename="api-complaint")

urlpatterns = router.urls
