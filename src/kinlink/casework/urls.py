"""Casework pages: my work, supervision, cases, plans, referrals, intake, directory, report.
Every record is addressed by number, never by name."""

from django.urls import path

from kinlink.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("supervision/", views.supervision, name="supervision"),
    path("services/", views.directory, name="directory"),
    path("services/new/", views.service_new, name="service_new"),
    path("report/coping/", views.coping_report, name="coping_report"),
    path("groups/", views.groups, name="groups"),
    path("groups/new/", views.group_new, name="group_new"),
    path("groups/<int:pk>/", views.group_page, name="group"),
    path("groups/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("groups/<int:pk>/leave/", views.group_leave, name="group_leave"),
    path("groups/<int:pk>/end/", views.group_end, name="group_end"),
    path("children/<int:pk>/", views.child_page, name="child"),
    path("children/<int:pk>/groups/join/", views.child_join_group, name="child_join_group"),
    path("children/<int:pk>/open/", views.case_open, name="case_open"),
    path("children/<int:pk>/refer/", views.intake_new, name="intake_new"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/assess/", views.case_assess, name="assess"),
    path("cases/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path("cases/<int:pk>/risk/", views.risk_change, name="risk"),
    path("cases/<int:pk>/plan/", views.plan_page, name="plan"),
    path("cases/<int:pk>/plan/goals/add/", views.goal_add, name="goal_add"),
    path("cases/<int:pk>/plan/actions/add/", views.action_add, name="action_add"),
    path("cases/<int:pk>/plan/submit/", views.plan_submit, name="plan_submit"),
    path("cases/<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("cases/<int:pk>/referrals/new/", views.referral_new, name="referral_new"),
    path("cases/<int:pk>/transfer/", views.case_transfer, name="transfer"),
    path("cases/<int:pk>/close/", views.case_close, name="close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("approvals/<int:pk>/", views.approval_page, name="approval"),
    path("referrals/<int:pk>/", views.referral_page, name="referral"),
    path("referrals/<int:pk>/respond/", views.referral_respond, name="referral_respond"),
    path("referrals/<int:pk>/complete/", views.referral_complete, name="referral_complete"),
    path("intake/<int:pk>/", views.intake_page, name="intake"),
]
