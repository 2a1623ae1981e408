"""The published function other apps call to seed a child's contact plan from an agreement they
record (the guardianship app's pre-departure plan), without importing this app's models:

    from kinlink.connection.plans import seed_contact_plan
    seed_contact_plan(child=child, parent=parent, contacts_per_30_days=4, channel="video",
                      agreed_on=day, source="guardianship.predepartureplan:12")  # -> Seeding

The rule, so that nothing a caseworker decided is lost:
- no plan for the child and the parent: one is created from the agreement (marked "agreed in
  pre-departure planning");
- a plan last written by seeding (`ContactPlan.seeded_from` set, from this agreement or an
  earlier one): it follows the new agreement (how often, which channel; the day agreed moves
  only when they do);
- a plan made or changed by hand since (`seeded_from` blank): it is kept, and the answer is
  `Seeding.KEPT` so the caller can say so; the caseworker changes it on the contact page.

Every write is audited like a caseworker's (create or change of `connection.contactplan`),
naming the child and the source record. Values are checked as `contact_plan_set` checks them
(ValidationError); the caller fetched the child through `registry.access`.
"""

from __future__ import annotations

from kinlink.connection.services import Seeding
from kinlink.connection.services import contact_plan_seed as seed_contact_plan

__all__ = ["Seeding", "seed_contact_plan"]
