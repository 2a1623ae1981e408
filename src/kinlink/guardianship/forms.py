"""Forms of the guardianship pages. They parse and present input; the rules live in `services`,
whose ValidationErrors are put back on the form by the views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.models import User
from kinlink.core.dates import today
from kinlink.guardianship.access import may
from kinlink.guardianship.models import (
    AppointmentKind,
    BestInterestsAssessment,
    CaregiverCapacity,
    CareOption,
    ContactChannel,
    ContactFrequency,
    CourtOutcome,
    EndReason,
    InsuranceScheme,
    MarkState,
    PackLanguage,
    Power,
    ReferralKind,
    Registration,
    Siblings,
)
from kinlink.guardianship.services import ContactInput
from kinlink.places.selectors import area_choices
from kinlink.registry.access import adults_visible_to
from kinlink.registry.forms import DateInput
from kinlink.registry.models import Adult, Child, Relationship


def family_adults(user: User, child: Child) -> list[Adult]:
    """Adults linked to the child or living in its household, that the user may see."""
    linked = Q(relationships__child=child)
    if child.household_id:
        linked |= Q(household_id=child.household_id)
    adults = adults_visible_to(user).filter(linked).distinct().prefetch_related("relationships")
    return list(adults.order_by("family_name", "given_name", "pk"))


def _adult_label(adult: Adult, child: Child) -> str:
    rel = next((r for r in adult.relationships.all() if r.child_id == child.pk), None)
    kind = Relationship.Kind(rel.kind).label if rel else _("Household member")
    return f"{adult.full_name} ({kind})"


class AdultChoiceField(forms.TypedChoiceField):
    """A choice among given adults; cleans to the Adult (never to an id outside the list)."""

    def __init__(self, adults: list[Adult], child: Child, **kwargs: Any) -> None:
        by_id = {a.pk: a for a in adults}
        super().__init__(
            choices=[("", "—"), *[(a.pk, _adult_label(a, child)) for a in adults]],
            coerce=lambda pk: by_id[int(pk)],
            **kwargs,
        )


class DeclarationForm(forms.Form):
    declarant = forms.Field(label=_("Parent making the declaration"))
    representative = forms.Field(label=_("Representative"))
    powers = forms.MultipleChoiceField(
        label=_("Powers given to the representative"),
        choices=Power.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        adults = family_adults(user, child)
        parents = [
            a
            for a in adults
            if any(
                r.child_id == child.pk and r.kind in Relationship.PARENT_KINDS
                for r in a.relationships.all()
            )
        ]
        self.fields["declarant"] = AdultChoiceField(
            parents, child, label=_("Parent making the declaration")
        )
        self.fields["representative"] = AdultChoiceField(
            adults,
            child,
            label=_("Representative"),
            help_text=_(
                "An adult already recorded in the child's family; add them there first if needed."
            ),
        )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed by the parent on"), widget=DateInput())
    representative_accepted_on = forms.DateField(
        label=_("Accepted by the representative on"), widget=DateInput()
    )


class RegisterForm(forms.Form):
    registration = forms.ChoiceField(
        label=_("Made official by"), choices=Registration.choices, widget=forms.RadioSelect
    )
    registered_on = forms.DateField(label=_("Registered or notarised on"), widget=DateInput())
    reference = forms.CharField(label=_("Register or notarial number"), max_length=60)
    notary = forms.CharField(
        label=_("Notary"), max_length=200, required=False, help_text=_("When notarised.")
    )


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why it ends"), widget=forms.RadioSelect)
    ended_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"ended_on": today()})
        super().__init__(*args, **kwargs)
        reasons = [EndReason.PARENT, EndReason.REPRESENTATIVE]
        if may(user, "declaration.revoke_registered"):
            reasons.append(EndReason.AUTHORITY)
        self.fields["reason"].choices = [(r.value, r.label) for r in reasons]


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("As printed on the declaration, for example 7K2M-9QXD-…"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WorklistForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DateInput(), required=False)
    place = forms.TypedChoiceField(label=_("Place"), coerce=int, required=False, empty_value=None)
    no_parent_at_home = forms.BooleanField(label=_("No parent at home"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Everywhere")), *area_choices(user.scope)]


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput())
    child_heard = forms.BooleanField(label=_("The child was heard"), required=False)
    child_views = forms.CharField(
        label=_("The child's views"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=BestInterestsAssessment._meta.get_field("child_views").help_text,
    )
    not_heard_reason = forms.CharField(
        label=_("Why the child was not heard"), max_length=300, required=False
    )
    options_considered = forms.MultipleChoiceField(
        label=_("Options considered"),
        choices=CareOption.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    options_note = forms.CharField(
        label=_("How the options compare"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    proposed_caregiver = forms.Field(label=_("Proposed guardian or caregiver"), required=False)
    caregiver_capacity = forms.ChoiceField(
        label=_("Caregiver's capacity"),
        choices=[("", "—"), *CaregiverCapacity.choices],
        required=False,
    )
    caregiver_note = forms.CharField(
        label=_("About the caregiver"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Health, age, literacy, income, other children in their care."),
    )
    siblings = forms.ChoiceField(label=_("Siblings"), choices=Siblings.choices)
    siblings_note = forms.CharField(
        label=_("Why siblings would be separated"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    recommendation = forms.ChoiceField(label=_("Recommended option"), choices=CareOption.choices)
    reasons = forms.CharField(
        label=_("Reasons for the recommendation"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assessed_on": today(), "child_heard": True})
        super().__init__(*args, **kwargs)
        self.fields["proposed_caregiver"] = AdultChoiceField(
            family_adults(user, child),
            child,
            label=_("Proposed guardian or caregiver"),
            required=False,
            empty_value=None,
        )


class AppointmentForm(forms.Form):
    assessment = forms.Field(label=_("Best-interests assessment"))
    kind = forms.ChoiceField(label=_("Kind"), choices=AppointmentKind.choices)
    guardian = forms.Field(label=_("Guardian or proxy caregiver"), required=False)
    placement = forms.CharField(
        label=_("Foster family or institution"), max_length=200, required=False
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    review_on = forms.DateField(label=_("Next review"), widget=DateInput())

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assessments = {a.pk: a for a in BestInterestsAssessment.objects.filter(child=child)}
        self.fields["assessment"] = forms.TypedChoiceField(
            label=_("Best-interests assessment"),
            choices=[
                (a.pk, f"{a.assessed_on.isoformat()} · {a.get_recommendation_display()}")
                for a in assessments.values()
            ],
            coerce=lambda pk: assessments[int(pk)],
        )
        self.fields["guardian"] = AdultChoiceField(
            family_adults(user, child),
            child,
            label=_("Guardian or proxy caregiver"),
            required=False,
            empty_value=None,
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when rejecting."),
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput())
    next_review_on = forms.DateField(label=_("Next review"), widget=DateInput())


class EndAppointmentForm(forms.Form):
    ended_on = forms.DateField(label=_("Last day"), widget=DateInput())
    note = forms.CharField(label=_("Why it ends"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_("The court is asked about"), choices=ReferralKind.choices)
    court = forms.CharField(label=_("Court"), max_length=200)
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())
    reasons = forms.CharField(
        label=_("Why the court is asked"), widget=forms.Textarea(attrs={"rows": 3})
    )
    attempts = forms.CharField(
        label=_("Attempts made"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Family-based solutions tried before going to court."),
    )
    assessments = forms.TypedMultipleChoiceField(
        label=_("Assessments sent with the file"), widget=forms.CheckboxSelectMultiple, coerce=int
    )
    proposed_caregiver = forms.Field(label=_("Proposed caregiver"), required=False)

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessment_objects = {
            a.pk: a for a in BestInterestsAssessment.objects.filter(child=child)
        }
        self.fields["assessments"].choices = [
            (a.pk, f"{a.assessed_on.isoformat()} · {a.get_recommendation_display()}")
            for a in self.assessment_objects.values()
        ]
        self.fields["proposed_caregiver"] = AdultChoiceField(
            family_adults(user, child),
            child,
            label=_("Proposed caregiver"),
            required=False,
            empty_value=None,
        )

    def clean_assessments(self) -> list[BestInterestsAssessment]:
        return [self.assessment_objects[pk] for pk in self.cleaned_data["assessments"]]


class HearingForm(forms.Form):
    held_on = forms.DateField(label=_("Hearing date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CourtDecisionForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Decision"), choices=CourtOutcome.choices)
    guardian = forms.Field(label=_("Guardian or proxy caregiver"), required=False)
    placement = forms.CharField(
        label=_("Foster family or institution"), max_length=200, required=False
    )
    reasons = forms.CharField(
        label=_("The court's reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )
    last_resort_reason = forms.CharField(
        label=_("Why no family-based care was possible"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required for residential care."),
    )
    review_on = forms.DateField(label=_("First review"), widget=DateInput(), required=False)
    follow_up_on = forms.DateField(
        label=_("First follow-up visit"), widget=DateInput(), required=False
    )

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"] = AdultChoiceField(
            family_adults(user, child),
            child,
            label=_("Guardian or proxy caregiver"),
            required=False,
            empty_value=None,
        )


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    note = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    next_on = forms.DateField(label=_("Next visit"), widget=DateInput(), required=False)
    close = forms.BooleanField(label=_("Follow-up is complete"), required=False)


# Before a parent leaves ------------------------------------------------------------------------


def _parents(adults: list[Adult], child: Child) -> list[Adult]:
    return [
        a
        for a in adults
        if any(
            r.child_id == child.pk and r.kind in Relationship.PARENT_KINDS
            for r in a.relationships.all()
        )
    ]


def _blank(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class PlanForm(forms.Form):
    """The plan's fields; the people are chosen among the child's family."""

    parent = forms.Field(label=_("Parent who is leaving"))
    departure_on = forms.DateField(label=_("Planned departure"), widget=DateInput())
    destination = forms.CharField(label=_("Destination"), max_length=200)
    language = forms.ChoiceField(
        label=_("The family's language"),
        choices=PackLanguage.choices,
        help_text=_("The family pack is printed in this language."),
    )
    contact_frequency = forms.ChoiceField(
        label=_("How often the parent will be in touch"),
        choices=_blank(ContactFrequency.choices),
        required=False,
    )
    contact_channel = forms.ChoiceField(
        label=_("How"), choices=_blank(ContactChannel.choices), required=False
    )
    contact_note = forms.CharField(
        label=_("More about contact"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("For example: the child calls on Sunday evenings; video on holidays."),
    )
    school_name = forms.CharField(label=_("School"), max_length=200, required=False)
    school_signatory = forms.Field(label=_("Who signs school papers"), required=False)
    school_note = forms.CharField(
        label=_("More about school"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    insurance_scheme = forms.ChoiceField(
        label=_("Health insurance"), choices=_blank(InsuranceScheme.choices), required=False
    )
    insurance_card_holder = forms.Field(label=_("Who keeps the insurance card"), required=False)
    treatment_consent_by = forms.Field(label=_("Who consents to treatment"), required=False)
    health_note = forms.CharField(
        label=_("More about health"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Medicines, allergies, the clinic the child goes to."),
    )

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        adults = family_adults(user, child)
        self.fields["parent"] = AdultChoiceField(
            _parents(adults, child), child, label=_("Parent who is leaving")
        )
        for name in ("school_signatory", "insurance_card_holder", "treatment_consent_by"):
            self.fields[name] = AdultChoiceField(
                adults,
                child,
                label=self.fields[name].label,
                required=False,
                empty_value=None,
                help_text=_("Someone who stays with the child."),
            )


class EmergencyContactsForm(forms.Form):
    """A fixed number of rows (name, who, phone); empty rows are ignored."""

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Name (%(n)d)") % {"n": n}, max_length=100, required=False
            )
            self.fields[f"relationship_{n}"] = forms.CharField(
                label=_("Who they are (%(n)d)") % {"n": n},
                max_length=100,
                required=False,
                help_text=_("For example: aunt, neighbour, village doctor."),
            )
            self.fields[f"phone_{n}"] = forms.CharField(
                label=_("Phone (%(n)d)") % {"n": n}, max_length=30, required=False
            )

    def contacts(self) -> list[ContactInput]:
        data = self.cleaned_data
        return [
            ContactInput(
                name=data.get(f"name_{n}", ""),
                relationship=data.get(f"relationship_{n}", ""),
                phone=data.get(f"phone_{n}", ""),
            )
            for n in range(1, self.rows + 1)
        ]


class ChecklistMarkForm(forms.Form):
    item = forms.CharField(widget=forms.HiddenInput)
    state = forms.ChoiceField(label=_("State"), choices=MarkState.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the item does not apply: say why."),
    )

    def __init__(self, *args: Any, derived: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if derived:  # the declaration is done by registering it, not by a mark
            self.fields["state"].choices = [
                (s.value, s.label) for s in (MarkState.NOT_DONE, MarkState.NOT_APPLICABLE)
            ]


class HandoverForm(forms.Form):
    given_on = forms.DateField(label=_("The pack was given on"), widget=DateInput())
    given_to = forms.Field(label=_("Given to"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: User, child: Child, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"given_on": today()})
        super().__init__(*args, **kwargs)
        self.fields["given_to"] = AdultChoiceField(
            family_adults(user, child), child, label=_("Given to")
        )
