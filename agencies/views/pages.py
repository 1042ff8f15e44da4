from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from agencies.navigation import sections_for
from agencies.roles import membership_of
from cases.home import case_panels


def landing(request):
    """Public page: what Sinergi is and how to report a case."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "agencies/landing.html")


@login_required
def home(request):
    return render(
        request,
        "agencies/home.html",
        {
            "membership": membership_of(request.user),
            "sections": sections_for(request.user),
            **case_panels(request.user),
        },
    )
