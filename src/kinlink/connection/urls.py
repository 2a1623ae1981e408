"""URLs of family connection and income: every record addressed by number, never by name."""

from django.urls import path

from kinlink.connection import views

app_name = "connection"
urlpatterns = [
    path("children/<int:pk>/", views.child_connection, name="child"),
    path("children/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("children/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("children/<int:pk>/visits/add/", views.visit_add, name="visit_add"),
    path("adults/<int:pk>/messaging/", views.messaging_consent, name="messaging_consent"),
    path("households/<int:pk>/", views.household_income, name="household"),
    path("households/<int:pk>/remittances/add/", views.remittance_add, name="remittance_add"),
    path("households/<int:pk>/means/add/", views.means_add, name="means_add"),
    path("eligibility/comparison/", views.comparison, name="comparison"),
    path("exchange-rates/", views.exchange_rates, name="rates"),
]
