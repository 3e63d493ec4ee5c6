"""Loading the county's organisation from a file: ``manage.py load_organisation PATH``.

The format is described in ``docs/operations.md`` and shown by ``docs/organisation-example.yaml``.
"""

from luotsi.organisation.loading.apply import LoadResult, OpenWorkRefusal, load
from luotsi.organisation.loading.reader import OrganisationFileError, read_file

__all__ = ["LoadResult", "OpenWorkRefusal", "OrganisationFileError", "load", "read_file"]
