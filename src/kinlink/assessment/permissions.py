"""Who may do what in the assessment, on top of `registry.access` (which alone decides which
children a user may see). Every check answers "not found" (404) when the answer is no, so a
page never tells a user that a child exists outside her scope or her role.

- Caseworkers and supervisors screen, give screeners, record coping, the support network and
  assessments by domain, and see all of it.
- Whoever may change a child's health group in the registry (caseworkers, supervisors, health
  workers) records growth measurements; whoever may read it (also guardianship officers) sees
  them, and nothing else of the assessment.
- Teachers, district officials and administrators see nothing here: the screen and the
  well-being scores are need-to-know for the people who act on them. (A teacher's view of
  attendance reaches the screen through the caseworker's education assessment.)
"""

from __future__ import annotations

from django.http import Http404

from kinlink.accounts.models import Role, User
from kinlink.registry import access
from kinlink.registry.access import Group
from kinlink.registry.models import Child

ASSESSING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_assess(user: User) -> bool:
    return _active(user) and user.role in ASSESSING_ROLES


def can_see_growth(user: User) -> bool:
    return _active(user) and (can_assess(user) or access.can_read(user, Group.HEALTH))


def can_measure(user: User) -> bool:
    return _active(user) and access.can_edit(user, Group.HEALTH)


def can_screen_registry(user: User) -> bool:
    """Screening every child in one's scope at once is a supervisor's decision."""
    return _active(user) and user.role == Role.SUPERVISOR


def child_for_assessment(user: User, child_id: object) -> Child:
    """The child, if the user may see it and assess; Http404 otherwise."""
    child = access.child_for_user(user, child_id)
    if not can_assess(user):
        raise Http404
    return child


def child_for_growth(user: User, child_id: object, *, record: bool = False) -> Child:
    """The child, if the user may see (or, with `record`, add) its measurements."""
    child = access.child_for_user(user, child_id)
    if not (can_measure(user) if record else can_see_growth(user)):
        raise Http404
    return child


def child_for_assessment_page(user: User, child_id: object) -> Child:
    """The child's assessment page shows each user what her role allows; someone allowed
    nothing on it gets 404."""
    child = access.child_for_user(user, child_id)
    if not (can_assess(user) or can_see_growth(user)):
        raise Http404
    return child
