"""URL path converters.

``<id:name>`` is the converter of every record id in a page's URL: digits whose value fits a
database integer (1 … 2^63−1). A longer number does not match the route, so it is "not found"
(404) like any other missing record, instead of reaching the database driver and failing there.
Django's own ``<int:…>`` accepts any number of digits; Luotsi's routes do not use it (a test
enumerating the resolver keeps it so).
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))
