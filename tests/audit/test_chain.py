import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from kinlink.audit.models import AppendOnlyError, AuditEntry
from kinlink.audit.services import audit_record, audit_verify


@pytest.fixture
def five_entries(db):
    return [
        audit_record(action="view", object_type="registry.child", object_id=i, fields=["notes"])
        for i in range(1, 6)
    ]


def test_an_untouched_chain_verifies(five_entries):
    assert audit_verify() is None
    call_command("audit", "verify")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(five_entries):
    entry = five_entries[0]
    entry.object_id = "99"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_id="99")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_altered_entry_is_named(five_entries):
    _sql("UPDATE audit_auditentry SET object_id = '42' WHERE seq = 3")
    problem = audit_verify()
    assert problem.seq == 3
    with pytest.raises(CommandError, match="audit entry 3"):
        call_command("audit", "verify")


def test_a_removed_entry_is_named(five_entries):
    _sql("DELETE FROM audit_auditentry WHERE seq = 2")
    assert audit_verify().seq == 2


def test_removing_the_last_entries_is_detected(five_entries):
    _sql("DELETE FROM audit_auditentry WHERE seq >= 4")
    assert audit_verify().seq == 4


def test_reordered_entries_are_detected(five_entries):
    # Swap the contents of entries 2 and 3 (everything but their sequence numbers).
    a, b = five_entries[1], five_entries[2]
    _sql(
        "UPDATE audit_auditentry SET object_id = %s, hash = %s, prev_hash = %s WHERE seq = 2",
        [b.object_id, b.hash, b.prev_hash],
    )
    _sql(
        "UPDATE audit_auditentry SET object_id = %s, hash = %s, prev_hash = %s WHERE seq = 3",
        [a.object_id, a.hash, a.prev_hash],
    )
    assert audit_verify().seq == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_entries_written_at_once_both_land_in_one_chain():
    """On a new database the head of the chain does not exist yet; two requests auditing at the
    same moment both land, one after the other, in one chain."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: its row locks are what this test is about")
    for _ in range(5):
        _sql("DELETE FROM audit_auditentry")
        _sql("DELETE FROM audit_audithead")
        failures: list[BaseException] = []
        start = threading.Barrier(2)

        def append(n: int, start: threading.Barrier = start, failures: list = failures) -> None:
            try:
                start.wait(timeout=10)
                audit_record(action="view", object_type="registry.child", object_id=n)
            except BaseException as exc:
                failures.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=append, args=(n,)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert failures == []
        assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
        assert audit_verify() is None
