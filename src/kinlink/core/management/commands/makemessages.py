"""`makemessages` that also extracts `N_("...")`, the short alias of gettext_noop for texts
that are stored untranslated and translated when shown (screening evidence, alerts)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
