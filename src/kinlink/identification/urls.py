"""Identification pages: imports, linkage review, worklists and coverage."""

app_name = "identification"
urlpatterns: list = []
