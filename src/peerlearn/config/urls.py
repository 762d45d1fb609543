from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peerlearn.api.router import api
from peerlearn.web.auth_views import LoginView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("account/tokens/", include("peerlearn.api.token_urls")),
    path("", include("peerlearn.people.urls")),
    path("", include("peerlearn.schedule.urls")),
    path("", include("peerlearn.knowledge.urls")),
    path("", include("peerlearn.web.urls")),
]
