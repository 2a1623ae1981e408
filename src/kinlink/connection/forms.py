"""Forms of the connection pages. They parse input; the rules live in `services`, whose
ValidationErrors the views put back on the form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinlink.connection import conf
from kinlink.connection.models import (
    Channel,
    Initiator,
    MessageChannel,
    Quality,
    Reporter,
    TransferChannel,
    Use,
    Visit,
)
from kinlink.registry.forms import DateInput
from kinlink.registry.models import Adult, Relationship

NOON = dt.time(12, 0)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class AdultChoiceField(forms.TypedChoiceField):
    """A choice among the given adults, cleaned to the Adult itself."""

    def __init__(self, adults: Sequence[tuple[Adult, str]], **kwargs: Any) -> None:
        by_id = {str(a.pk): a for a, _label in adults}
        super().__init__(
            choices=[("", "—"), *[(str(a.pk), label) for a, label in adults]],
            coerce=lambda pk: by_id[pk],
            **kwargs,
        )


def parent_choices(relationships: Sequence[Relationship]) -> list[tuple[Adult, str]]:
    return [
        (r.adult, f"{r.adult.full_name} ({Relationship.Kind(r.kind).label})") for r in relationships
    ]


class ContactForm(forms.Form):
    parent = forms.Field(label=_("Parent"))
    day = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=TimeInput(),
        help_text=_("Local time here. Leave blank if not known."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    initiated_by = forms.ChoiceField(
        label=_("Who initiated"), choices=Initiator.choices, initial=Initiator.UNKNOWN
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=24 * 60
    )
    quality = forms.ChoiceField(
        label=_("How it went, as reported"),
        choices=[("", _("Not reported")), *Quality.choices],
        required=False,
    )
    reported_by = forms.ChoiceField(
        label=_("Reported by"),
        choices=[c for c in Reporter.choices if c[0] != Reporter.IMPORT],
        initial=Reporter.CASEWORKER,
    )

    def __init__(self, *args: Any, parents: Sequence[Relationship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = AdultChoiceField(parent_choices(parents), label=_("Parent"))
        if len(parents) == 1:
            self.fields["parent"].initial = str(parents[0].adult_id)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        zone = conf.local_zone()
        moment = dt.datetime.combine(data["day"], data.get("time") or NOON, tzinfo=zone)
        now = timezone.now().astimezone(zone).replace(microsecond=0)
        if not data.get("time") and data["day"] == now.date():
            # No time given: noon, or now for a contact earlier today (noon may be to come).
            moment = min(moment, now)
        return {
            "parent": data["parent"],
            "happened_at": moment,
            "channel": data["channel"],
            "initiated_by": data["initiated_by"],
            "duration_minutes": data.get("duration_minutes"),
            "quality": data.get("quality") or "",
            "reported_by": data["reported_by"],
        }


class ContactPlanForm(forms.Form):
    parent = forms.Field(label=_("Parent"))
    contacts_per_30_days = forms.IntegerField(
        label=_("Contacts every 30 days"), min_value=1, max_value=60
    )
    channel = forms.ChoiceField(label=_("Usual channel"), choices=Channel.choices)
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput())
    from_pre_departure = forms.BooleanField(
        label=_("Agreed in pre-departure planning"),
        required=False,
        help_text=_(
            "A plan copied from a pre-departure plan follows changes to that plan until it is "
            "changed here."
        ),
    )

    def __init__(self, *args: Any, parents: Sequence[Relationship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = AdultChoiceField(parent_choices(parents), label=_("Parent"))


class VisitForm(forms.Form):
    parent = forms.Field(label=_("Parent"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Visit.Kind.choices)
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    ended_on = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave blank while it lasts, and for a return home."),
    )
    reported_by = forms.ChoiceField(
        label=_("Reported by"),
        choices=[c for c in Reporter.choices if c[0] != Reporter.IMPORT],
        initial=Reporter.CASEWORKER,
    )

    def __init__(self, *args: Any, parents: Sequence[Relationship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = AdultChoiceField(parent_choices(parents), label=_("Parent"))


class RemittanceForm(forms.Form):
    sender = forms.Field(label=_("Sender"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2, min_value=0)
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_("Three-letter code, such as CNY, USD or EUR."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Sent by"), choices=TransferChannel.choices)
    uses = forms.MultipleChoiceField(
        label=_("Used for"),
        choices=Use.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reported_by = forms.ChoiceField(
        label=_("Reported by"),
        choices=[c for c in Reporter.choices if c[0] != Reporter.IMPORT],
        initial=Reporter.CAREGIVER,
    )

    def __init__(self, *args: Any, senders: Sequence[Adult], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", conf.home_currency())
        super().__init__(*args, **kwargs)
        self.fields["sender"] = AdultChoiceField(
            [(a, a.full_name) for a in senders], label=_("Sender")
        )

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class MeansForm(forms.Form):
    applies_from = forms.DateField(label=_("Applies from"), widget=DateInput())
    other_income = forms.DecimalField(
        label=_("Other income a month"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Wages, farming, pensions and benefits of the people living at home."),
    )
    assets = forms.DecimalField(
        label=_("Assets"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    reported_by = forms.ChoiceField(
        label=_("Reported by"),
        choices=[c for c in Reporter.choices if c[0] != Reporter.IMPORT],
        initial=Reporter.CAREGIVER,
    )


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3)
    on = forms.DateField(label=_("From"), widget=DateInput())
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=18,
        decimal_places=8,
        help_text=_("Units of the home currency for one unit of this currency."),
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class MessagingConsentForm(forms.Form):
    opted_in = forms.BooleanField(
        label=_("Agrees to receive reminders"),
        required=False,
        help_text=_(
            "Only with the person's own agreement. Reminders never mention the child's case."
        ),
    )
    channel = forms.ChoiceField(label=_("Send by"), choices=MessageChannel.choices)
    address = forms.CharField(label=_("Email address or phone number"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the reminders"), choices=())
    quiet_from = forms.TimeField(label=_("Quiet hours from"), widget=TimeInput())
    quiet_until = forms.TimeField(label=_("Quiet hours until"), widget=TimeInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, _(name)) for code, name in settings.LANGUAGES]
