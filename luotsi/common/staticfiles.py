"""Static files: whitenoise's compressed manifest storage, forgiving only while no manifest exists.

Without ``collectstatic`` there is no manifest, and Django's manifest storage answers every page
with a 500 ("Missing staticfiles manifest entry"). Here a missing manifest makes the storage give
unhashed URLs instead (the pages work; styles are missing until ``collectstatic`` is run), and the
system check ``luotsi.W010`` (an error, ``luotsi.E010``, under ``check --deploy``) says what to run.
Once the manifest exists the storage is strict again: a file missing from it is an error.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class LuotsiStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.manifest_strict = bool(self.hashed_files)

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest: the unhashed name, not a hash of a missing file
            return name
        return super().stored_name(name)

    def manifest_missing(self) -> bool:
        return not self.manifest_storage.exists(self.manifest_name)
