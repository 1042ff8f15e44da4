from rest_framework.routers import SimpleRouter

from agencies.api import AgencyViewSet, RegionViewSet

router = SimpleRouter()
router.register("agencies", AgencyViewSet, basename="api-agency")
router.register("regions", RegionViewSet, basename="api-region")

urlpatterns = router.urls
