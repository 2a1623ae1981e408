from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "kinlink.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Handlers register themselves with @job_handler when their module is imported: ours
        # here, other apps' in their `tasks.py`. The web process and the worker both need them.
        from kinlink.jobs import handlers  # noqa: F401

        autodiscover_modules("tasks")
