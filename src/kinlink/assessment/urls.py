"""The assessment's pages, all under /assessment/ and, for one child, under children/<id>/."""

from django.urls import path

from kinlink.assessment import views

app_name = "assessment"
urlpatterns = [
    path("alerts/", views.my_alerts, name="alerts"),
    path("screen-all/", views.screen_all, name="screen_all"),
    path("children/<int:pk>/", views.child_page, name="child"),
    path("children/<int:pk>/screening/", views.screening_page, name="screening"),
    path("children/<int:pk>/screening/run/", views.screening_run, name="screening_run"),
    path("children/<int:pk>/screening/confirm/", views.screening_confirm, name="screening_confirm"),
    path("children/<int:pk>/screeners/", views.screeners_page, name="screeners"),
    path("children/<int:pk>/external-scores/", views.external_scores, name="external_scores"),
    path("children/<int:pk>/growth/", views.growth, name="growth"),
    path("children/<int:pk>/coping/", views.coping, name="coping"),
    path("children/<int:pk>/network/", views.network, name="network"),
    path("children/<int:pk>/network/end/", views.network_end, name="network_end"),
    path("children/<int:pk>/domains/", views.domains, name="domains"),
    path(
        "children/<int:pk>/alerts/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"
    ),
    path("children/<int:pk>/tasks/done/", views.task_done, name="task_done"),
]
