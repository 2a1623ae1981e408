"""Forms of the identification pages: upload, column mapping, a decision on a pair, filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.models import User
from kinlink.identification.models import ImportBatch, SourceKind, Verdict
from kinlink.identification.reading import FIELD_LABELS, KIND_FIELDS
from kinlink.places.models import Place, School


def _schools(user: User) -> Any:
    if user.scope_id is None:
        return School.objects.none()
    return School.objects.filter(place__path__startswith=user.scope.path).order_by("name")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What list is this?"), choices=SourceKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GB18030/GBK) or Excel XLSX; the first row names the columns."),
    )
    school = forms.ModelChoiceField(
        label=_("School (for a roster of one school)"),
        queryset=School.objects.none(),
        required=False,
    )
    programme = forms.CharField(
        label=_("Programme (for a service list of one programme)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools(user)
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"


NOT_IN_FILE = ""


class MappingForm(forms.Form):
    """One choice per field of the list's kind: which column of the file holds it."""

    def __init__(self, *args: Any, batch: ImportBatch, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, _("— not in this file —"))] + [(h, h) for h in batch.headers if h]
        for name in KIND_FIELDS[batch.kind]:
            self.fields[name] = forms.ChoiceField(
                label=FIELD_LABELS[name],
                choices=choices,
                required=False,
                initial=batch.mapping.get(name, NOT_IN_FILE),
            )
        if batch.kind == SourceKind.ROSTER:
            self.fields["default_school"] = forms.ModelChoiceField(
                label=_("School of every pupil (when no column names it)"),
                queryset=_schools(user),
                required=False,
                initial=batch.school_id,
            )
        if batch.kind == SourceKind.SERVICES:
            self.fields["default_programme"] = forms.CharField(
                label=_("Programme of every row (when no column names it)"),
                max_length=200,
                required=False,
                initial=batch.programme,
            )
        self.batch = batch

    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in KIND_FIELDS[self.batch.kind]
            if self.cleaned_data.get(name)
        }


class DecisionForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        help_text=_("What made you decide; never the child's name."),
    )


class DuplicateDecisionForm(forms.Form):
    """Two registered children: the same child (keep the first or the second record) or not."""

    KEEP_A, KEEP_B, DIFFERENT = "keep_a", "keep_b", "different"
    decision = forms.ChoiceField(
        choices=[(KEEP_A, KEEP_A), (KEEP_B, KEEP_B), (DIFFERENT, DIFFERENT)],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        help_text=_("What made you decide; never the child's name."),
    )


class PlaceFilterForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.scope_id is not None:
            self.fields["place"].queryset = Place.objects.within(user.scope)
