"""Forms of the assessment. They parse and present input; the rules live in `services`, whose
ValidationErrors the views put back on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinlink.assessment import screeners
from kinlink.assessment.models import (
    Assistance,
    Challenge,
    CopingStrategy,
    Domain,
    ExternalScore,
    InstrumentResponse,
    Measurement,
    ProtectionConcern,
    RiskLevel,
    SupportTie,
)
from kinlink.core.dates import today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), initial=today)


class ConfirmForm(forms.Form):
    screening = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose a level other than the suggested one."),
    )


def language_code() -> str:
    return (get_language() or "en").lower()


class ScreenerForm(forms.Form):
    """The items of an embeddable instrument, in the reader's language where the pack has it."""

    administered_on = _date_field(_("Given on"))
    informant = forms.ChoiceField(
        label=_("Answered by"),
        choices=InstrumentResponse.Informant.choices,
        initial=InstrumentResponse.Informant.CHILD,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, pack: screeners.Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pack = pack
        language = language_code()
        choices = [(str(o.value), str(o.label)) for o in pack.options]
        for item in pack.items:
            self.fields[f"item_{item.number}"] = forms.ChoiceField(
                label=f"{item.number}. {pack.item_text(item, language)}",
                choices=choices,
                widget=forms.RadioSelect,
                required=False,  # the service names every missing item at once
            )

    def answers(self) -> dict[int, Any]:
        return {
            item.number: self.cleaned_data.get(f"item_{item.number}") for item in self.pack.items
        }


class ExternalScoreForm(forms.Form):
    administered_on = _date_field(_("Form completed on"))
    informant = forms.ChoiceField(label=_("Filled in by"), choices=ExternalScore.Informant.choices)
    scored_by = forms.CharField(
        label=_("Scored by"),
        max_length=200,
        help_text=_("Who scored the paper form (name and role)."),
    )

    def __init__(self, *args: Any, pack: screeners.Pack, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pack = pack
        self.fields["informant"].choices = [
            (c, label) for c, label in ExternalScore.Informant.choices if c in pack.informants
        ]
        for scale in pack.scales:
            self.fields[f"scale_{scale.code}"] = forms.IntegerField(
                label=str(scale.label),
                required=scale.required,
                min_value=scale.low,
                max_value=scale.high,
            )
        self.fields["band"] = forms.ChoiceField(
            label=_("Band (from the norms for this informant)"),
            choices=[(b.code, str(b.label)) for b in pack.bands],
            widget=forms.RadioSelect,
        )

    def scores(self) -> dict[str, Any]:
        return {s.code: self.cleaned_data.get(f"scale_{s.code}") for s in self.pack.scales}


class MeasurementForm(forms.Form):
    measured_on = _date_field(_("Measured on"))
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), required=False, max_digits=5, decimal_places=2
    )
    height_cm = forms.DecimalField(
        label=_("Length or height (cm)"), required=False, max_digits=4, decimal_places=1
    )
    measure = forms.ChoiceField(
        label=_("Measured"),
        choices=Measurement.Measure.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Lying (length) below 2 years, standing (height) from 2 years."),
    )
    oedema = forms.BooleanField(label=_("Bilateral pitting oedema"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("weight_kg", "height_cm"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.1"})


class CopingForm(forms.Form):
    recorded_on = _date_field(_("Recorded on"))
    strategies = forms.MultipleChoiceField(
        label=_("How the child copes (strengths to build on)"),
        choices=CopingStrategy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    strengths_note = forms.CharField(
        label=_("In the child's words, or what you saw"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Short videos and social media help many children; note also any risk (time, "
            "strangers) under protection."
        ),
    )
    challenges = forms.MultipleChoiceField(
        label=_("Challenges"),
        choices=Challenge.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges_note = forms.CharField(
        label=_("What is hard for the child"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupportTieForm(forms.Form):
    kind = forms.ChoiceField(label=_("Who"), choices=SupportTie.Kind.choices)
    label = forms.CharField(
        label=_("Short name"),
        max_length=40,
        help_text=_("How the child calls them, e.g. 奶奶 or Teacher Li; shown on the map."),
    )
    ring = forms.ChoiceField(
        label=_("Ring"),
        choices=[("", _("Follows from who it is")), *SupportTie.Ring.choices],
        required=False,
    )
    strength = forms.ChoiceField(
        label=_("Strength of the tie"),
        choices=SupportTie.Strength.choices,
        widget=forms.RadioSelect,
    )
    supports = forms.MultipleChoiceField(
        label=_("Kind of support"),
        choices=SupportTie.Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


YES_NO = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]


class DomainForm(forms.Form):
    """One form per domain: the structured answers the screen reads, a summary and findings."""

    assessed_on = _date_field(_("Assessed on"))

    def __init__(self, *args: Any, domain: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.domain = domain
        fields = self.fields
        if domain == Domain.EDUCATION:
            fields["enrolled"] = forms.ChoiceField(
                label=_("Enrolled in school"), choices=YES_NO, required=False
            )
            fields["attendance_percent"] = forms.IntegerField(
                label=_("Attendance in the last term (%)"),
                required=False,
                min_value=0,
                max_value=100,
            )
            fields["grades"] = forms.ChoiceField(
                label=_("Grades"),
                required=False,
                choices=[
                    ("", _("Not known")),
                    ("improving", _("Improving")),
                    ("stable", _("Stable")),
                    ("falling", _("Falling")),
                ],
            )
        elif domain == Domain.PROTECTION:
            fields["concerns"] = forms.MultipleChoiceField(
                label=_("Concerns found"),
                choices=ProtectionConcern.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            fields["none_observed"] = forms.BooleanField(
                label=_("I looked and found no protection concern"), required=False
            )
        elif domain == Domain.SOCIAL_PROTECTION:
            fields["assistance"] = forms.ChoiceField(
                label=_("Social assistance"),
                choices=Assistance.choices,
                widget=forms.RadioSelect,
            )
        elif domain == Domain.HEALTH:
            fields["insured"] = forms.ChoiceField(
                label=_("Covered by health insurance"), choices=YES_NO, required=False
            )
            fields["immunised"] = forms.ChoiceField(
                label=_("Immunisations up to date"), choices=YES_NO, required=False
            )
            fields["can_consent"] = forms.ChoiceField(
                label=_("The caregiver can legally consent to treatment"),
                choices=YES_NO,
                required=False,
            )
        elif domain == Domain.CHILD_VIEW:
            fields["recorded_how"] = forms.ChoiceField(
                label=_("How the child's view was recorded"),
                choices=[
                    ("own_words", _("The child wrote it or said it and it was kept word for word")),
                    ("written_down", _("Written down by the caseworker from what the child said")),
                    ("drawing", _("Described from the child's drawing")),
                ],
                widget=forms.RadioSelect,
            )
        child_view = domain == Domain.CHILD_VIEW
        fields["summary"] = forms.CharField(
            label=_("The child's view, in his or her words") if child_view else _("Summary"),
            required=child_view,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        fields["concerns_text"] = forms.CharField(
            label=_("Concerns and needs, one per line"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Each line becomes a finding a case plan can link to."),
        )
        fields["strengths_text"] = forms.CharField(
            label=_("Strengths, one per line"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    ANSWER_FIELDS = (
        "enrolled",
        "attendance_percent",
        "grades",
        "concerns",
        "none_observed",
        "assistance",
        "insured",
        "immunised",
        "can_consent",
        "recorded_how",
    )

    def answers(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.ANSWER_FIELDS}

    def findings(self) -> list[tuple[str, str]]:
        found = []
        for field, kind in (("concerns_text", "concern"), ("strengths_text", "strength")):
            for line in (self.cleaned_data.get(field) or "").splitlines():
                if line.strip():
                    found.append((kind, line.strip()))
        return found
