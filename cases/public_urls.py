from django.urls import path

from cases.views import public

urlpatterns = [
    path("", public.public_complaint, name="public-complaint"),
    path("status/", public.complaint_status, name="public-complaint-status"),
    path("saya/", public.my_complaints, name="my-complaints"),
]
