"""The client plan as FHIR R4 (the R4B models of ``fhir.resources``): ``export`` builds the
Bundle of a plan as one professional may see it, ``import_`` validates and reads a plan Bundle
from another system (``plans.services.section_import`` files it as a draft section). The mapping
is specified in docs/fhir.md; the identifier and code systems are in ``codes``."""

from luotsi.plans.fhir.codes import (
    HETU_SYSTEM,
    PLAN_SYSTEM,
    PROVISIONAL_EXTENSION,
    TEMPORARY_ID_SYSTEM,
)
from luotsi.plans.fhir.export import build_bundle, plan_bundle_json
from luotsi.plans.fhir.import_ import ImportedPlan, parse_bundle, read_plan

__all__ = ["HETU_SYSTEM", "PLAN_SYSTEM", "PROVISIONAL_EXTENSION", "TEMPORARY_ID_SYSTEM",
           "ImportedPlan", "build_bundle", "parse_bundle", "plan_bundle_json", "read_plan"]
