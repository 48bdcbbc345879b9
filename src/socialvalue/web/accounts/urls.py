"""URLs for signing in, organisations, members, invitations, password reset and API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("organisation/switch/", views.switch, name="switch"),
    path("organisation/", views.organisation_settings, name="organisation"),
    path("organisation/members/", views.members, name="members"),
    path("organisation/first-steps/", views.first_steps, name="first_steps"),
    path("organisation/members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path("invitations/<str:secret>/", views.accept_invitation, name="accept_invitation"),
    path("register/", views.register, name="register"),
    path("register/check-your-email/", views.registration_sent, name="registration_sent"),
    path("register/confirm/<str:secret>/", views.verify_registration, name="verify_registration"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "password-reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
