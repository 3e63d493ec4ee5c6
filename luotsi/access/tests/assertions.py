"""The assertion every "not found" test of client data makes: the refusal is in the access log."""

from __future__ import annotations

from luotsi.access.models import AccessLogEntry, Outcome

ANY = object()


def assert_refused(user, person=ANY, *, category: str | None = None) -> AccessLogEntry:
    """The newest access-log record of ``user`` is a refusal, about ``person`` (a person, their
    id — for a missing person the id asked for — or ``None`` for the id of another kind of record
    that does not exist; ``ANY`` does not check) and of ``category``
    when given. Called right after a request answered 404: a refused read leaves exactly such a
    record, and nothing is logged after it."""
    last = AccessLogEntry.objects.filter(user_id=user.pk).order_by("-seq").first()
    assert last is not None and last.outcome == Outcome.REFUSED, (
        f"no refusal logged for {user}: the newest record is {last and last.detail!r}")
    if person is not ANY:
        expected = getattr(person, "pk", person)
        assert last.person_id == expected, (last.person_id, expected)
    if category is not None:
        assert last.category == category, (last.category, category)
    return last
