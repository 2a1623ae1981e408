"""Casework pages: cases, plans, referrals, follow-up, groups, my work."""

app_name = "casework"
urlpatterns: list = []
