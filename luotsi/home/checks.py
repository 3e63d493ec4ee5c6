"""System checks that `manage.py check --deploy` adds for Luotsi."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from config.env import secret_problem
from luotsi.common.jose_keys import KeyProblem, load_own_key


@register(Tags.security, deploy=True)
def demo_mode_off_in_production(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return [
            Error(
                "Demo mode is on: the published demo logins work and insecure demo keys may be "
                "in use.",
                hint="Unset LUOTSI_DEMO where real client data is processed.",
                id="luotsi.E001",
            )
        ]
    return []


# setting → (environment variable, minimum length)
_KEYS = {
    "SECRET_KEY": ("LUOTSI_SECRET_KEY", "SECRET_KEY_MIN_LENGTH"),
    "PERSONAL_DATA_KEY": ("LUOTSI_PERSONAL_DATA_KEY", "KEY_MIN_LENGTH"),
    "ACCESS_LOG_KEY": ("LUOTSI_ACCESS_LOG_KEY", "KEY_MIN_LENGTH"),
}


@register(Tags.security, deploy=True)
def keys_are_secrets(app_configs, **kwargs):
    """Settings refuse to start with a published or short key outside demo mode; this check says
    the same of whatever settings are in use (demo mode included, where E001 already errors)."""
    errors = []
    for setting, (variable, min_setting) in _KEYS.items():
        problem = secret_problem(str(getattr(settings, setting, "")),
                                 min_length=getattr(settings, min_setting, 32),
                                 published=tuple(getattr(settings, "PUBLISHED_KEYS", ())))
        if problem:
            errors.append(Error(
                f"{setting} is no key: {problem}.",
                hint=f"Set {variable} to a new random secret (see .env.example).",
                id="luotsi.E003",
            ))
    return errors


def _static_manifest_problem() -> str | None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    if getattr(staticfiles_storage, "manifest_missing", None) and staticfiles_storage.manifest_missing():
        return (f"The static files are not collected: no {staticfiles_storage.manifest_name} in "
                f"{settings.STATIC_ROOT}. Pages are served without their styles.")
    return None


_COLLECT_HINT = ("Run `manage.py collectstatic --noinput` after each upgrade, before starting the "
                 "server (docs/operations.md).")


@register(Tags.staticfiles)
def static_files_collected(app_configs, **kwargs):
    problem = _static_manifest_problem()
    return [Warning(problem, hint=_COLLECT_HINT, id="luotsi.W010")] if problem else []


@register(Tags.staticfiles, deploy=True)
def static_files_collected_for_deploy(app_configs, **kwargs):
    problem = _static_manifest_problem()
    return [Error(problem, hint=_COLLECT_HINT, id="luotsi.E010")] if problem else []


# The client's strong identification (luotsi.oma.auth): setting → environment variable.
_CLIENT_OIDC = {
    "CLIENT_OIDC_ISSUER": "LUOTSI_CLIENT_OIDC_ISSUER",
    "CLIENT_OIDC_CLIENT_ID": "LUOTSI_CLIENT_OIDC_CLIENT_ID",
    "CLIENT_OIDC_KEY": "LUOTSI_CLIENT_OIDC_KEY",
    "CLIENT_OIDC_HETU_CLAIM": "LUOTSI_CLIENT_OIDC_HETU_CLAIM",
}
_CLIENT_OIDC_HINT = ("Set all four LUOTSI_CLIENT_OIDC_* variables, or none (docs/operations.md, "
                     "\"The client's strong identification\").")


@register(Tags.security, deploy=True)
def client_identification_configured_whole(app_configs, **kwargs):
    """The client's strong identification is offered only when all four settings are given: a
    half configuration is a mistake the area would hide (it offers no sign-in), so it is named
    here; a whole one needs a usable key and an HTTPS issuer."""
    given = [variable for setting, variable in _CLIENT_OIDC.items()
             if getattr(settings, setting, "")]
    if not given:
        return []
    missing = [variable for variable in _CLIENT_OIDC.values() if variable not in given]
    if missing:
        return [Warning(
            f"The client's strong identification is half configured: {', '.join(given)} set, "
            f"{', '.join(missing)} not. The client's area offers no strong identification.",
            hint=_CLIENT_OIDC_HINT, id="luotsi.W020")]
    warnings = []
    try:
        load_own_key(settings.CLIENT_OIDC_KEY)
    except KeyProblem as problem:
        warnings.append(Warning(
            f"LUOTSI_CLIENT_OIDC_KEY ({settings.CLIENT_OIDC_KEY}) cannot be used: {problem}. "
            "Clients cannot sign in.",
            hint="Give the path of Luotsi's private key, RSA (2048 bits or more) or EC, as a "
                 "JSON Web Key or an unencrypted PEM file readable by the server.",
            id="luotsi.W021"))
    if not settings.CLIENT_OIDC_ISSUER.startswith("https://"):
        warnings.append(Warning(
            "LUOTSI_CLIENT_OIDC_ISSUER is not an https:// address.",
            hint="The identification service's issuer is always an HTTPS address in production.",
            id="luotsi.W022"))
    return warnings


_PARQUET_HINT = ("Set LUOTSI_EVENTS_PARQUET_DIR to a directory of its own on a local disk, "
                 "writable by the server and the import, then run `manage.py events_parquet` "
                 "(docs/operations.md, \"The service events' analytical copy\").")


def _nearest_existing(path):
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


@register(Tags.database, deploy=True)
def events_parquet_directory(app_configs, **kwargs):
    """The service events' analytical copy: without it the identification reads the events
    table (several times slower at a county's volume); with it, its directory must be usable."""
    import os

    from luotsi.usage import analytics

    root = analytics.directory()
    if root is None:
        if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            return [Warning(
                "No analytical copy of the service events: the identification runs read the "
                "events table.", hint=_PARQUET_HINT, id="luotsi.W030")]
        return []
    if not root.is_absolute():
        return [Error(f"LUOTSI_EVENTS_PARQUET_DIR ({root}) is not an absolute path.",
                      hint=_PARQUET_HINT, id="luotsi.E030")]
    existing = _nearest_existing(root)
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return [Error(f"LUOTSI_EVENTS_PARQUET_DIR ({root}) cannot be written: {existing} is not "
                      "a writable directory. The copy is not used and the runs read the events "
                      "table.", hint=_PARQUET_HINT, id="luotsi.E030")]
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return [Error("DuckDB is not installed: the analytical copy cannot be read.",
                      hint="Install the requirements (requirements.lock).", id="luotsi.E031")]
    return []
