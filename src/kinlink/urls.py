"""The site's URL map: each app owns its own prefix."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:child_list", permanent=False)),
    path("accounts/", include("kinlink.accounts.urls")),
    path("children/", include("kinlink.registry.urls")),
    path("jobs/", include("kinlink.jobs.urls")),
    path("assessment/", include("kinlink.assessment.urls")),
    path("guardianship/", include("kinlink.guardianship.urls")),
    path("verify/", include("kinlink.guardianship.public_urls")),  # public: no login
    path("connection/", include("kinlink.connection.urls")),
    path("casework/", include("kinlink.casework.urls")),
    path("identification/", include("kinlink.identification.urls")),
    path("api/v1/", include("kinlink.api_urls")),
]
