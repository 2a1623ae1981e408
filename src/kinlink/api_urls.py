"""Mounts the REST API (django-ninja) at /api/v1/."""

from django.urls import path

from kinlink.api import api

urlpatterns = [path("", api.urls)]
