"""Identification pages: imports, linkage review, worklists and coverage."""

from django.urls import path

from kinlink.identification import views

app_name = "identification"
urlpatterns = [
    path("", views.home, name="home"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.batch_detail, name="batch"),
    path("imports/<int:pk>/columns/", views.mapping, name="mapping"),
    path("imports/<int:pk>/problems.csv", views.batch_problems, name="problems"),
    path("imports/<int:pk>/accept/", views.batch_accept, name="accept"),
    path("imports/<int:pk>/discard/", views.batch_discard, name="discard"),
    path("imports/<int:pk>/link/", views.batch_link, name="link"),
    path("rows/<int:pk>/", views.row_detail, name="row"),
    path("review/", views.review_list, name="review"),
    path("review/<int:pk>/", views.review_pair, name="review_pair"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/reverse/", views.decision_reverse, name="decision_reverse"),
    path("children/<int:pk>/", views.child_page, name="child"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/check/", views.duplicate_check, name="duplicate_check"),
    path("duplicates/<int:pk>/", views.duplicate_pair, name="duplicate_pair"),
    path("duplicates/<int:pk>/reopen/", views.duplicate_reopen, name="duplicate_reopen"),
    path("worklists/not-enrolled/", views.not_enrolled, name="not_enrolled"),
    path("worklists/no-service/", views.no_service, name="no_service"),
    path("worklists/not-registered/", views.unmatched, name="unmatched"),
    path("coverage/", views.coverage, name="coverage"),
]
