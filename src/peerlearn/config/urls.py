from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from peerlearn.api.router import api
from peerlearn.web.auth_views import LoginView, PasswordResetConfirmView, PasswordResetView

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Before Django's own auth URLs, which they replace (limited, queued resets).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # Only the pages of the reset flow: Django's own password_change/ would change a
    # password past the account page's service (no audit, no offer to revoke tokens).
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("account/tokens/", include("peerlearn.api.token_urls")),
    path("", include("peerlearn.people.urls")),
    path("", include("peerlearn.audit.urls")),
    path("", include("peerlearn.schedule.urls")),
    path("", include("peerlearn.knowledge.urls")),
    path("", include("peerlearn.gaps.urls")),
    path("", include("peerlearn.capture.urls")),
    path("", include("peerlearn.kb.urls")),
    path("", include("peerlearn.chat.urls")),
    path("", include("peerlearn.planning.urls")),
    path("", include("peerlearn.search.urls")),
    path("", include("peerlearn.web.urls")),
]
