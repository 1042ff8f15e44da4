from rest_framework.routers import SimpleRouter

from referrals.api import ReferralViewSet

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="api-referral")

urlpatterns = router.urls
