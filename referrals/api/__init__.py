"""The partner API's referral endpoints (``/api/v1/referrals/``): the views, what they
read out (``reading``), what they accept (``writing``) and how lists filter (``filters``)."""

from referrals.api.views import ReferralViewSet

__all__ = ["ReferralViewSet"]
