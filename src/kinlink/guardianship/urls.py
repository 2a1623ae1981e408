from django.urls import path

from kinlink.guardianship import views

app_name = "guardianship"
urlpatterns = [
    path("", views.worklist_page, name="worklist"),
    path("approvals/", views.approvals, name="approvals"),
    path("children/<int:pk>/", views.child_page, name="child"),
    path("children/<int:pk>/declarations/new/", views.declaration_new, name="declaration_new"),
    path("children/<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("children/<int:pk>/appointments/new/", views.appointment_new, name="appointment_new"),
    path("children/<int:pk>/court/new/", views.referral_new, name="referral_new"),
    path("children/<int:pk>/pre-departure/new/", views.plan_new, name="plan_new"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/edit/", views.declaration_edit, name="declaration_edit"),
    path("declarations/<int:pk>/sign/", views.declaration_sign, name="declaration_sign"),
    path(
        "declarations/<int:pk>/register/", views.declaration_register, name="declaration_register"
    ),
    path("declarations/<int:pk>/revoke/", views.declaration_revoke, name="declaration_revoke"),
    path("declarations/<int:pk>/pdf/", views.declaration_pdf, name="declaration_pdf"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/take-up/", views.appointment_take_up, name="appointment_take_up"),
    path("appointments/<int:pk>/decide/", views.appointment_decide, name="appointment_decide"),
    path("appointments/<int:pk>/review/", views.appointment_review, name="appointment_review"),
    path("appointments/<int:pk>/end/", views.appointment_end, name="appointment_end"),
    path("court/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("court/<int:pk>/hearings/add/", views.referral_hearing, name="referral_hearing"),
    path("court/<int:pk>/decision/", views.referral_decision, name="referral_decision"),
    path("court/<int:pk>/follow-ups/add/", views.referral_follow_up, name="referral_follow_up"),
    path("pre-departure/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("pre-departure/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("pre-departure/<int:pk>/contacts/", views.plan_contacts, name="plan_contacts"),
    path("pre-departure/<int:pk>/checklist/", views.plan_mark, name="plan_mark"),
    path("pre-departure/<int:pk>/pack/", views.plan_pack, name="plan_pack"),
    path("pre-departure/<int:pk>/given/", views.plan_given, name="plan_given"),
]
