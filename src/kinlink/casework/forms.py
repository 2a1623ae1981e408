"""Forms for the casework pages. They only parse input; the rules are in `casework.services`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinlink.accounts.models import User
from kinlink.casework.models import (
    ActionParty,
    Assent,
    CasePlan,
    CaseSource,
    Challenge,
    ClosureReason,
    ContactKind,
    CopingStrategy,
    Domain,
    Group,
    RiskLevel,
    ServiceOffer,
)
from kinlink.places.models import Place, ServiceProvider

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _text(
    label: Any, *, required: bool = True, rows: int = 3, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class OpenCaseForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    source = forms.ChoiceField(label=_("Opened from"), choices=CaseSource.choices)
    reason = _text(_("Reason for opening"))
    caseworker = UserChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, caseworkers: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if caseworkers is None:
            del self.fields["caseworker"]
        else:
            self.fields["caseworker"].queryset = User.objects.filter(
                pk__in=[u.pk for u in caseworkers]
            )
            self.fields["caseworker"].required = True


class AssessForm(forms.Form):
    summary = _text(_("What the assessment found, by domain"), rows=6)
    on = forms.DateField(label=_("Assessed on"), widget=DATE)


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    at = forms.DateTimeField(label=_("When"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    summary = _text(_("What happened"), rows=4)
    next_due = forms.DateField(
        label=_("Next due"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for the interval the risk level sets."),
    )


class RiskForm(forms.Form):
    level = forms.ChoiceField(label=_("New risk level"), choices=RiskLevel.choices)
    reason = _text(_("Reason"), required=False)


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    findings = forms.MultipleChoiceField(
        label=_("Assessment findings it answers"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    finding = forms.CharField(label=_("Other finding, in words"), required=False)
    description = _text(_("Goal"))

    def __init__(self, *args: Any, findings: Sequence[Any] = (), **kwargs: Any) -> None:
        """`findings`: the child's, as the assessment publishes them (see
        `selectors.child_findings`)."""
        super().__init__(*args, **kwargs)
        self.fields["findings"].choices = [
            (
                f.reference,
                f"{f.reference} · {f.domain_label} · {f.kind_label}: {f.text}",
            )
            for f in findings
        ]
        if not findings:
            self.fields["findings"].help_text = _("No finding has been recorded in an assessment.")


class ActionForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"))
    description = _text(_("Action"), rows=2)
    responsible = forms.CharField(label=_("Who does it"), max_length=200)
    party = forms.TypedChoiceField(
        label=_("Whose task"),
        choices=ActionParty.choices,
        required=False,
        empty_value=ActionParty.CASEWORKER,
        initial=ActionParty.CASEWORKER,
        help_text=_("A caregiver who agreed to reminders is reminded of her tasks when due."),
    )
    due_on = forms.DateField(label=_("By when"), widget=DATE)

    def __init__(self, *args: Any, plan: CasePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [
            (g.pk, f"{g.get_domain_display()}: {g.description[:60]}") for g in plan.goals.all()
        ]


class SubmitPlanForm(forms.Form):
    child_participated = forms.BooleanField(label=_("The child took part"), required=False)
    caregiver_participated = forms.BooleanField(label=_("The caregiver took part"), required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note (required to reject)"), required=False)


class TransferForm(forms.Form):
    to = UserChoiceField(label=_("Transfer to"), queryset=User.objects.none())
    reason = _text(_("Reason"))

    def __init__(self, *args: Any, caseworkers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = User.objects.filter(pk__in=[u.pk for u in caseworkers])


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = _text(_("The child's situation at closure"))
    escalation = _text(
        _("Escalation"),
        required=False,
        rows=2,
        help_text=_(
            "For a high-risk case closed for withdrawn consent or lost contact: to whom it was "
            "escalated and what they decided."
        ),
    )


class ReopenForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    reason = _text(_("Reason for reopening"))


class NoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), widget=DATE)
    text = _text(_("Note"), rows=6)
    confidential = forms.BooleanField(
        label=_("Confidential: only the assigned caseworker and her supervisor read it"),
        required=False,
    )
    coping = forms.MultipleChoiceField(
        label=_("Coping strategies the child described"),
        choices=CopingStrategy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    challenges = forms.MultipleChoiceField(
        label=_("Challenges the child described"),
        choices=Challenge.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceOffer) -> str:
        return f"{obj.get_domain_display()} · {obj.name} · {obj.provider.name}"


class ReferralForm(forms.Form):
    service = ServiceChoiceField(label=_("Service"), queryset=ServiceOffer.objects.none())
    priority = forms.ChoiceField(label=_("Priority"), choices=RiskLevel.choices)
    reason = _text(_("Reason for the referral"))
    caregiver_consent = forms.BooleanField(label=_("The caregiver consents"), required=False)
    consent_by = forms.CharField(label=_("Consent given by"), required=False, max_length=200)
    child_assent = forms.ChoiceField(label=_("The child's assent"), choices=Assent.choices)
    child_consent = forms.BooleanField(label=_("The child consents"), required=False)
    consent_on = forms.DateField(label=_("Consent recorded on"), required=False, widget=DATE)
    override_reason = _text(
        _("Send without the consent needed, because"),
        required=False,
        rows=2,
    )

    def __init__(self, *args: Any, supervisor: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = ServiceOffer.objects.filter(active=True).select_related(
            "provider"
        )
        if not supervisor:
            del self.fields["override_reason"]


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The service's answer"),
        choices=[("accepted", _("Accepted")), ("declined", _("Declined"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Note (required if declined)"), required=False, rows=2)


class CompleteForm(forms.Form):
    feedback = _text(_("Feedback from the service"))


class IntakeForm(forms.Form):
    concern = _text(_("What worries you"), rows=5)
    urgent = forms.BooleanField(label=_("Urgent: the child may be in danger"), required=False)


class IntakeHandleForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Take the case")), ("decline", _("No case needed"))],
        widget=forms.RadioSelect,
    )
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    note = _text(_("Note (required if no case is needed)"), required=False, rows=2)


class ServiceForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=ServiceProvider.objects.all())
    name = forms.CharField(label=_("Service"), max_length=200)
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    description = _text(_("Description"), required=False)


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Place) -> str:
        return obj.name


class DirectoryForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All")), *Domain.choices], required=False
    )
    place = PlaceChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.scope is not None:
            self.fields["place"].queryset = Place.objects.within(user.scope)


class ReportForm(forms.Form):
    place = PlaceChoiceField(label=_("Place"), queryset=Place.objects.none(), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.scope is not None:
            self.fields["place"].queryset = Place.objects.within(user.scope)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    place = PlaceChoiceField(label=_("Where it meets"), queryset=Place.objects.none())
    description = _text(_("Description"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.scope is not None:
            self.fields["place"].queryset = Place.objects.within(user.scope)


class EndGroupForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)
    reason = _text(_("Why the group ends"))


class JoinGroupForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=Group.objects.none())

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class ChildChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=300)
    attendees = ChildChoiceField(
        label=_("Who came"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, children: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = children


class LeaveGroupForm(forms.Form):
    child = forms.IntegerField(widget=forms.HiddenInput)
