from django.urls import path

from kinlink.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("register/", views.child_register, name="child_register"),
]
