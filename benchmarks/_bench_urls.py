"""The product's URLs and the benchmark's baseline: the signed-in empty layout.

`layout` does what every signed-in page does before its own work (sign-in check,
session, person, base template with its navigation) and nothing else, so a page's cost
over it is the page's own.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


@login_required
def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


urlpatterns = [
    path("_benchmark/layout", layout, name="benchmark_layout"),
    path("", include("peerlearn.config.urls")),
]
