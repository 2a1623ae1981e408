"""Forms for administrators managing users."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.models import Agency, Role
from kinlink.places.models import Place, School


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.all(), required=False
    )
    scope = forms.ModelChoiceField(
        label=_("Place scope"), queryset=Place.objects.exclude(children__isnull=True).distinct()
    )
    school = forms.ModelChoiceField(
        label=_("School (teachers)"), queryset=School.objects.all(), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("At least 10 characters. Leave empty to keep the current password."),
    )

    def __init__(self, *args: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("At least 10 characters.")
        else:
            self.fields["username"].disabled = True
