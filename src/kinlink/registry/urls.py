from django.urls import path

from kinlink.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.child_list, name="child_list"),
    path("overview/", views.overview, name="overview"),
    path("register/", views.child_register, name="child_register"),
    path("register/duplicates/", views.duplicate_check, name="duplicate_check"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("<int:pk>/adults/add/", views.adult_add, name="adult_add"),
    path("<int:pk>/care/add/", views.care_add, name="care_add"),
    path("<int:pk>/access-log/", views.child_access_log, name="child_access_log"),
    path("adults/<int:pk>/edit/", views.adult_edit, name="adult_edit"),
    path("adults/<int:pk>/migrations/add/", views.migration_add, name="migration_add"),
    path("migrations/<int:pk>/edit/", views.migration_edit, name="migration_edit"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("merges/", views.merge_list, name="merge_list"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
]
