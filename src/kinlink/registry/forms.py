"""Forms of the registry. They parse and present input; the rules live in `services`, whose
ValidationErrors are put back on the form by `views.save_with`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from kinlink.accounts.models import User
from kinlink.places.models import Place, School
from kinlink.places.selectors import area_choices, schools_within, village_choices
from kinlink.registry.access import editable_child_fields
from kinlink.registry.models import (
    AwayParents,
    CareArrangement,
    Difficulty,
    FunctioningDomain,
    MigrationEpisode,
    Relationship,
    Sex,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VillageField(forms.TypedChoiceField):
    def __init__(self, scope: Place | None, **kwargs: Any) -> None:
        super().__init__(
            choices=[("", "—"), *village_choices(scope)],
            coerce=lambda pk: Place.objects.get(pk=int(pk)),
            **kwargs,
        )


class ChildForm(forms.Form):
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name_latin = forms.CharField(
        label=_("Family name in Latin letters"),
        max_length=100,
        required=False,
        help_text=_("Filled in automatically; correct it only if it is wrong."),
    )
    given_name_latin = forms.CharField(
        label=_("Given name in Latin letters"), max_length=100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    dob_estimated = forms.BooleanField(label=_("The date of birth is estimated"), required=False)
    home_village = forms.Field(label=_("Home village"))
    national_id = forms.CharField(
        label=_("Resident ID number"), max_length=32, required=False, strip=True
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False
    )
    grade = forms.CharField(label=_("Grade"), max_length=20, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_village"] = VillageField(user.scope, label=_("Home village"))
        self.fields["school"].queryset = schools_within(user.scope)
        for domain in FunctioningDomain:
            self.fields[f"functioning_{domain.value}"] = forms.ChoiceField(
                label=domain.label,
                choices=[("", "—"), *Difficulty.choices],
                required=False,
            )
        allowed = set(editable_child_fields(user))
        for name in list(self.fields):
            base = "functioning" if name.startswith("functioning_") else name
            if base not in allowed:
                del self.fields[name]

    def service_values(self) -> dict[str, Any]:
        """The cleaned data in the shape `registry.services` takes."""
        data = dict(self.cleaned_data)
        functioning = {
            name.removeprefix("functioning_"): data.pop(name)
            for name in list(data)
            if name.startswith("functioning_")
        }
        if any(k.startswith("functioning_") for k in self.fields):
            data["functioning"] = {k: v for k, v in functioning.items() if v}
        for latin in ("family_name_latin", "given_name_latin"):
            if latin in data and not data[latin]:
                data.pop(latin)
        return data

    @staticmethod
    def initial_from(child: Any) -> dict[str, Any]:
        initial = {
            name: getattr(child, name)
            for name in (
                "family_name",
                "given_name",
                "family_name_latin",
                "given_name_latin",
                "sex",
                "date_of_birth",
                "dob_estimated",
                "national_id",
                "grade",
                "notes",
            )
        }
        initial["home_village"] = child.home_village_id
        initial["school"] = child.school_id
        for domain, answer in (child.functioning or {}).items():
            initial[f"functioning_{domain}"] = answer
        return initial


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or ID number"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Characters, pinyin or ID number")}
        ),
    )
    place = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int, empty_value=None)
    away = forms.ChoiceField(
        label=_("Who is away"),
        required=False,
        choices=[
            ("", _("Anyone")),
            ("any", _("At least one parent away")),
            (AwayParents.MOTHER, _("Mother only")),
            (AwayParents.FATHER, _("Father only")),
            (AwayParents.BOTH, _("Both parents")),
            (AwayParents.NONE, _("No parent away")),
        ],
    )
    abroad = forms.NullBooleanField(
        label=_("A parent abroad"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=17)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=17)
    child_headed = forms.NullBooleanField(
        label=_("Child-headed household"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )
    elderly_caregiver = forms.NullBooleanField(
        label=_("Elderly sole caregiver"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("All my area")), *area_choices(user.scope)]


class AdultForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Relationship to the child"), choices=Relationship.Kind.choices
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    is_alive = forms.BooleanField(label=_("Alive"), required=False, initial=True)
    died_on = forms.DateField(label=_("Date of death"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    phone_alt = forms.CharField(label=_("Other phone"), max_length=30, required=False)
    wechat = forms.CharField(label=_("WeChat ID"), max_length=60, required=False)
    national_id = forms.CharField(label=_("Resident ID number"), max_length=32, required=False)
    literacy = forms.ChoiceField(
        label=_("Literacy"),
        required=False,
        choices=[
            ("", "—"),
            ("literate", _("Reads and writes")),
            ("limited", _("Limited")),
            ("none", _("Cannot read or write")),
        ],
    )
    health_limits = forms.ChoiceField(
        label=_("Health limits"),
        required=False,
        choices=[
            ("", "—"),
            ("none", _("None")),
            ("some", _("Some limits")),
            ("severe", _("Severe limits")),
        ],
    )

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("relationship", None)
        wechat = data.pop("wechat", "")
        data["messaging"] = {"wechat": wechat} if wechat else {}
        return data


class MigrationForm(forms.Form):
    departed_on = forms.DateField(label=_("Departure date"), widget=DateInput())
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=[])
    destination_place = forms.CharField(
        label=_("Destination (province, city)"), max_length=200, required=False
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=MigrationEpisode.Purpose.choices)
    pattern = forms.ChoiceField(label=_("Pattern"), choices=MigrationEpisode.Pattern.choices)
    legal_status = forms.ChoiceField(
        label=_("Legal status (if abroad)"),
        required=False,
        choices=[("", "—"), *MigrationEpisode.LegalStatus.choices],
    )
    expected_return_on = forms.DateField(
        label=_("Expected return"), required=False, widget=DateInput()
    )
    returned_on = forms.DateField(label=_("Actual return"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination_country"].choices = list(countries)


class CareForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who cares for the child day to day"), choices=CareArrangement.Kind.choices
    )
    caregiver = forms.TypedChoiceField(
        label=_("Caregiver"), required=False, coerce=int, empty_value=None
    )
    caregiver_child = forms.TypedChoiceField(
        label=_("Older sibling caring"), required=False, coerce=int, empty_value=None
    )
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, adults: list[Any], siblings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.adults = {a.pk: a for a in adults}
        self.siblings = {c.pk: c for c in siblings}
        self.fields["caregiver"].choices = [("", "—")] + [(a.pk, str(a)) for a in adults]
        self.fields["caregiver_child"].choices = [("", "—")] + [(c.pk, str(c)) for c in siblings]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["caregiver"] = self.adults.get(data.get("caregiver"))
        data["caregiver_child"] = self.siblings.get(data.get("caregiver_child"))
        return data
