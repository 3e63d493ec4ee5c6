"""schemathesis hooks of the outside probe (``run_schemathesis.py`` loads them through
``SCHEMATHESIS_HOOKS``), for the two things its dictionaries cannot do:

- the coverage phase varies each body and query field against the same boundary path ids
  (1, 2, the largest id) and never draws from the dictionaries, so nearly all of its cases would
  answer 404; when a case does not vary the path parameter itself, its id becomes one of the
  real ids bound to it with ``REAL_ID_PROBABILITY`` (the boundary stays in the other cases);
- a dictionary draws each value alone, so a plan row named in the body (``goal_id``,
  ``section_id``, ``review_id``, an evaluation's ``item_id`` of its ``subject``) is seldom the
  path person's own: a real row of another person becomes one of this person's rows.

The real ids are the probe's own (``LUOTSI_PROBE_IDS``: the JSON the seeded database printed).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import schemathesis
from run_schemathesis import BINDINGS, REAL_ID_PROBABILITY

IDS: dict = json.loads(Path(os.environ["LUOTSI_PROBE_IDS"]).read_text(encoding="utf-8"))
RANDOM = random.Random(0)  # test data, not secrets


def _path_pools(path: str) -> dict[str, list]:
    """The real ids bound to each path parameter of the operation at ``path`` (an operation's
    own binding over the one of every operation, as schemathesis resolves them)."""
    pools: dict[str, list] = {}
    for regex, _who, binding in BINDINGS:
        if regex and not re.search(regex, path):
            continue
        for key, name in binding.items():
            if key.startswith("path.") and IDS.get(name):
                pools[key.removeprefix("path.")] = IDS[name]
    return pools


def _real_path_ids(case) -> None:
    phase = case.meta.phase if case.meta is not None else None
    if phase is None or phase.name.value != "coverage":
        return
    if getattr(phase.data, "parameter_location", None) is not None \
            and phase.data.parameter_location.value == "path":
        return
    for name, pool in _path_pools(case.operation.path).items():
        value = (case.path_parameters or {}).get(name)
        if value is not None and value not in pool and RANDOM.random() < REAL_ID_PROBABILITY:
            case.path_parameters[name] = RANDOM.choice(pool)


def _paired_rows(case) -> None:
    rows = IDS["plan_rows"].get(str((case.path_parameters or {}).get("person_id")))
    body = case.body
    if rows is None or not isinstance(body, dict):
        return
    for field, own in rows.items():
        if field == "item_id":  # the rows of the evaluated subject (negative data: any type)
            subject = body.get("subject")
            own = own.get(subject, []) if isinstance(subject, str) else []
        value = body.get(field)
        every = IDS[{"goal_id": "goals", "section_id": "sections", "review_id": "reviews",
                     "item_id": "items"}[field]]
        if own and value in every and value not in own:
            body[field] = RANDOM.choice(own)


@schemathesis.hook
def before_call(context, case, **kwargs) -> None:
    _real_path_ids(case)
    _paired_rows(case)
