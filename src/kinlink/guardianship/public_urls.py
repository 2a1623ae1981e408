"""The public verification routes, mounted at /verify/ (no login)."""

from django.urls import path

from kinlink.guardianship import public_views

app_name = "verify"
urlpatterns = [
    path("", public_views.verify_form, name="form"),
    path("<str:code>/", public_views.verify_result, name="result"),
]
