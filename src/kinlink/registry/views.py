"""Pages of the registry. Thin: fetch through `access`, write through `services`."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def child_list(request):
    return HttpResponse("")


@login_required
def child_register(request):
    return HttpResponse("")
