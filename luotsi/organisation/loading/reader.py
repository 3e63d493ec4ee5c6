"""Reading an organisation file (YAML) into checked values that remember where they were written.

Every scalar is read as the text written in the file (YAML's own typing would turn the
municipality code ``020`` into the number 16 and ``no`` into false), so each field is checked by
the rules below and a refusal names the file, the line, the column and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from luotsi.common.file_refusals import FileRefusal
from luotsi.organisation.models import (
    LICENSED_QUALIFICATIONS,
    REGISTRATION_NUMBER,
    Qualification,
    Role,
    ServiceTask,
    TeamKind,
)


class OrganisationFileError(FileRefusal):
    """A refusal of the organisation file (``FileRefusal``)."""


@dataclass
class Node:
    """A value of the file with its place (1-based line and column) and its field path."""

    value: object  # str, list[Node] or dict[str, Node]
    line: int
    column: int
    field: str


@dataclass(frozen=True)
class Names:
    fi: str
    sv: str
    en: str


@dataclass(frozen=True)
class RegionSpec:
    code: str
    names: Names
    node: Node


@dataclass(frozen=True)
class MunicipalitySpec:
    code: str
    names: Names
    region: str  # a region code, "" when not routed
    node: Node


@dataclass(frozen=True)
class TeamSpec:
    code: str
    names: Names
    kind: str
    service_task: str
    region: str  # "" for a county-wide team
    node: Node


@dataclass(frozen=True)
class ProfessionalSpec:
    username: str
    first_name: str
    last_name: str
    email: str
    title: str
    role: str
    qualification: str
    registration_number: str
    phone: str
    language: str
    teams: tuple[str, ...]
    active: bool
    node: Node


@dataclass(frozen=True)
class OrganisationSpec:
    path: str
    county_code: str
    county_names: Names
    regions: list[RegionSpec]
    municipalities: list[MunicipalitySpec]
    teams: list[TeamSpec]
    professionals: list[ProfessionalSpec]


SECTIONS = ("county", "regions", "municipalities", "teams", "professionals")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
LANGUAGES = ("fi", "sv", "en")
TRUE, FALSE = ("true", "yes"), ("false", "no")


class Reader:
    """Turns the composed YAML tree into specs, refusing the first fault it finds."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, node: Node, message: str, field: str | None = None) -> OrganisationFileError:
        return OrganisationFileError(self.path, node.line, node.column,
                                     node.field if field is None else field, message)

    # --- the YAML tree -----------------------------------------------------------------------

    def compose(self, text: str) -> Node:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            raise OrganisationFileError(self.path, line, column, "",
                                        f"not valid YAML: {exc.problem or exc}") from exc
        except yaml.reader.ReaderError as exc:
            line = text.count("\n", 0, exc.position) + 1
            column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            raise OrganisationFileError(self.path, line, column, "",
                                        f"not valid YAML: {exc.reason}") from exc
        except yaml.YAMLError as exc:
            raise OrganisationFileError(self.path, 1, 1, "", f"not valid YAML: {exc}") from exc
        if root is None:
            raise OrganisationFileError(self.path, 1, 1, "", "the file is empty")
        return self._convert(root, "")

    def _convert(self, node: yaml.Node, field: str) -> Node:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key_at = Node("", key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                              field)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_at, "a key must be a plain name")
                key = key_node.value
                child = f"{field}.{key}" if field else key
                if key in mapping:
                    raise self.fail(Node("", key_at.line, key_at.column, child),
                                    "given twice in the same entry")
                mapping[key] = self._convert(value_node, child)
            return Node(mapping, line, column, field)
        if isinstance(node, yaml.SequenceNode):
            return Node([self._convert(item, f"{field}[{index + 1}]")
                         for index, item in enumerate(node.value)], line, column, field)
        value = "" if node.tag == "tag:yaml.org,2002:null" else str(node.value)
        return Node(value, line, column, field)

    # --- shapes ---------------------------------------------------------------------------------

    def mapping(self, node: Node, allowed: tuple[str, ...], required: tuple[str, ...]
                ) -> dict[str, Node]:
        if not isinstance(node.value, dict):
            raise self.fail(node, "expected an entry of named fields (key: value)")
        for key, child in node.value.items():
            if key not in allowed:
                raise self.fail(child, f"unknown field; the fields are {', '.join(allowed)}")
        for key in required:
            if key not in node.value:
                raise self.fail(node, "this field is required",
                                f"{node.field}.{key}" if node.field else key)
        return node.value

    def sequence(self, node: Node | None) -> list[Node]:
        if node is None:
            return []
        if isinstance(node.value, str) and node.value == "":
            return []
        if not isinstance(node.value, list):
            raise self.fail(node, "expected a list (lines starting with -)")
        return node.value

    def text(self, node: Node | None, *, max_length: int, required: bool = False) -> str:
        if node is None:
            return ""
        if not isinstance(node.value, str):
            raise self.fail(node, "expected a single value, not a list or an entry")
        value = node.value.strip()
        if "\x00" in value:
            raise self.fail(node, "contains a NUL character")
        if required and not value:
            raise self.fail(node, "must not be empty")
        if len(value) > max_length:
            raise self.fail(node, f"at most {max_length} characters (here {len(value)})")
        return value

    def choice(self, node: Node | None, choices, *, required: bool = True) -> str:
        value = self.text(node, max_length=60, required=required)
        allowed = [str(c) for c in choices.values] if hasattr(choices, "values") else list(choices)
        if value and value not in allowed:
            raise self.fail(node, f"unknown value {value!r}; one of {', '.join(allowed)}")
        return value

    def slug(self, node: Node, max_length: int) -> str:
        value = self.text(node, max_length=max_length, required=True)
        if not SLUG.match(value):
            raise self.fail(node, "a code has only letters a-z, digits, - and _")
        return value

    def names(self, node: Node) -> Names:
        fields = self.mapping(node, LANGUAGES, ("fi",))
        return Names(*(self.text(fields.get(lang), max_length=200, required=lang == "fi")
                       for lang in LANGUAGES))

    def boolean(self, node: Node | None, default: bool) -> bool:
        if node is None:
            return default
        value = self.text(node, max_length=5).lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise self.fail(node, "expected true or false")

    # --- the sections ---------------------------------------------------------------------------

    def read(self, text: str) -> OrganisationSpec:
        root = self.compose(text)
        sections = self.mapping(root, SECTIONS, ("county",))
        county = self.mapping(sections["county"], ("code", "name"), ("code", "name"))
        spec = OrganisationSpec(
            path=self.path,
            county_code=self.slug(county["code"], 20),
            county_names=self.names(county["name"]),
            regions=[self.region(n) for n in self.sequence(sections.get("regions"))],
            municipalities=[self.municipality(n)
                            for n in self.sequence(sections.get("municipalities"))],
            teams=[self.team(n) for n in self.sequence(sections.get("teams"))],
            professionals=[self.professional(n)
                           for n in self.sequence(sections.get("professionals"))],
        )
        self.check_references(spec)
        return spec

    def region(self, node: Node) -> RegionSpec:
        fields = self.mapping(node, ("code", "name"), ("code", "name"))
        return RegionSpec(self.slug(fields["code"], 40), self.names(fields["name"]), node)

    def municipality(self, node: Node) -> MunicipalitySpec:
        fields = self.mapping(node, ("code", "name", "region"), ("code", "name"))
        code = self.text(fields["code"], max_length=3, required=True)
        if not re.fullmatch(r"\d{3}", code):
            raise self.fail(fields["code"], "a municipality code has three digits (e.g. \"020\")")
        return MunicipalitySpec(code, self.names(fields["name"]),
                                self.text(fields.get("region"), max_length=40), node)

    def team(self, node: Node) -> TeamSpec:
        fields = self.mapping(node, ("code", "name", "kind", "service_task", "region"),
                              ("code", "name", "kind", "service_task"))
        return TeamSpec(self.slug(fields["code"], 60), self.names(fields["name"]),
                        self.choice(fields["kind"], TeamKind),
                        self.choice(fields["service_task"], ServiceTask),
                        self.text(fields.get("region"), max_length=40), node)

    PROFESSIONAL_FIELDS = ("username", "first_name", "last_name", "email", "title", "role",
                           "qualification", "registration_number", "phone", "language", "teams",
                           "active")

    def professional(self, node: Node) -> ProfessionalSpec:
        fields = self.mapping(node, self.PROFESSIONAL_FIELDS,
                              ("username", "first_name", "last_name", "role"))
        username = self.text(fields["username"], max_length=150, required=True)
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as exc:
            raise self.fail(fields["username"], "letters, digits and @ . + - _ only") from exc
        email = self.text(fields.get("email"), max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise self.fail(fields["email"], "not an e-mail address") from exc
        qualification = self.choice(fields.get("qualification"), Qualification, required=False)
        registration = self.registration_number(fields, qualification)
        teams = []
        for item in self.sequence(fields.get("teams")):
            teams.append(self.text(item, max_length=60, required=True))
        return ProfessionalSpec(
            username=username,
            first_name=self.text(fields["first_name"], max_length=150, required=True),
            last_name=self.text(fields["last_name"], max_length=150, required=True),
            email=email,
            title=self.text(fields.get("title"), max_length=120),
            role=self.choice(fields["role"], Role),
            qualification=qualification,
            registration_number=registration,
            phone=self.text(fields.get("phone"), max_length=40),
            language=self.choice(fields.get("language"), LANGUAGES, required=False) or "fi",
            teams=tuple(teams),
            active=self.boolean(fields.get("active"), True),
            node=node,
        )

    def registration_number(self, fields: dict[str, Node], qualification: str) -> str:
        """Valvira's registration number (JulkiSuosikki): 11 digits, required for a licensed
        social worker and a social counsellor (817/2015 § 7 and 8)."""
        node = fields.get("registration_number")
        value = self.text(node, max_length=40)
        if value and not re.fullmatch(REGISTRATION_NUMBER, value):
            raise self.fail(node, "a registration number (Valvira, JulkiSuosikki) has 11 digits")
        if value and qualification not in (*LICENSED_QUALIFICATIONS,
                                           Qualification.OTHER_SOCIAL_WELFARE):
            raise self.fail(node, "a registration number is given only with the qualification "
                                  "it registers (licensed_social_worker, social_counsellor or "
                                  "other_social_welfare)")
        if qualification in LICENSED_QUALIFICATIONS and not value:
            where = fields.get("qualification")
            raise self.fail(where, f"a {qualification} needs the registration number (Valvira, "
                                   "JulkiSuosikki)", field=where.field.rsplit(".", 1)[0]
                            + ".registration_number")
        return value

    def check_references(self, spec: OrganisationSpec) -> None:
        """Codes unique; every region, team and registration number named exists once."""
        self._unique([(r.code, r.node, "code") for r in spec.regions])
        self._unique([(m.code, m.node, "code") for m in spec.municipalities])
        self._unique([(t.code, t.node, "code") for t in spec.teams])
        self._unique([(p.username, p.node, "username") for p in spec.professionals])
        self._unique([(p.registration_number, p.node, "registration_number")
                      for p in spec.professionals if p.registration_number])
        regions = {r.code for r in spec.regions}
        for item in (*spec.municipalities, *spec.teams):
            if item.region and item.region not in regions:
                raise self.fail(item.node.value["region"],  # type: ignore[index]
                                f"no region {item.region!r} in the file's regions")
        teams = {t.code for t in spec.teams}
        for professional in spec.professionals:
            if not professional.teams:
                continue
            listed = professional.node.value["teams"]  # type: ignore[index]
            for code, item in zip(professional.teams, listed.value, strict=True):
                if code not in teams:
                    raise self.fail(item, f"no team {code!r} in the file's teams")
            if len(set(professional.teams)) != len(professional.teams):
                raise self.fail(listed, "a team is named twice")

    def _unique(self, items: list[tuple[str, Node, str]]) -> None:
        seen: dict[str, Node] = {}
        for value, node, field in items:
            if value in seen:
                first = seen[value]
                raise self.fail(node.value[field],  # type: ignore[index]
                                f"{value!r} is given twice (first on line {first.line})")
            seen[value] = node


def read_file(path: str | Path) -> OrganisationSpec:
    """Read and check the organisation file at ``path`` (UTF-8 YAML)."""
    text = OrganisationFileError.read_text(path, encoding="utf-8",
                                           unreadable="cannot be read: {reason}",
                                           not_text="not UTF-8 text")
    return Reader(str(path)).read(text)
