"""MTurk's QualificationRequirements onto gigbot's hit_requirements.

System qualification types map onto the worker record gigbot keeps; a custom type is a
gigbot qualification (qualification_types). gigbot stores a minimum per requirement, so
the comparators that say "at least" (and Exists) are the ones it takes.

>>> reqs = parse_requirements([
...     {"QualificationTypeId": "000000000000000000L0", "Comparator": "GreaterThanOrEqualTo",
...      "IntegerValues": [95]},
...     {"QualificationTypeId": "00000000000000000071", "Comparator": "EqualTo",
...      "LocaleValues": [{"Country": "DE"}]},
...     {"QualificationTypeId": "GBQ00000007", "Comparator": "Exists"}])
>>> [(r.kind.value, r.qualification_id, r.value) for r in reqs]
[('approval_rate', None, '95'), ('locale', None, 'de'), ('qualification', 7, '-2147483648')]
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.domain import Requirement, RequirementKind
from bot.mturk._wire import ApiError

APPROVAL_RATE = "000000000000000000L0"  # Worker_PercentAssignmentsApproved
APPROVED_COUNT = "00000000000000000040"  # Worker_NumberHITsApproved
LOCALE = "00000000000000000071"  # Worker_Locale
SYSTEM_TYPES = {
    APPROVAL_RATE: ("Worker_PercentAssignmentsApproved", "Percent of assignments approved"),
    APPROVED_COUNT: ("Worker_NumberHITsApproved", "Number of HITs approved"),
    LOCALE: ("Worker_Locale", "The worker's location (gigbot: the worker's language)"),
}
# System types gigbot keeps no record for, by name, so the refusal says what they are.
UNSUPPORTED_SYSTEM = {
    "2F1QJWKUDD8XADTFD2Q0G6UTO95ALH": "Masters",
    "2ARFPLSP75KLA8M8DH1HTEQVJT3SY6": "Masters (sandbox)",
    "00000000000000000060": "Worker_Adult",
    "00000000000000000000": "Worker_PercentAssignmentsSubmitted",
    "000000000000000000E0": "Worker_PercentAssignmentsReturned",
    "00000000000000000070": "Worker_PercentAssignmentsAbandoned",
    "000000000000000000S0": "Worker_PercentAssignmentsRejected",
}
ANY_VALUE = str(-(2**31))  # Exists: any value at all is at least this
# MTurk's comparators -> gigbot's (hit_requirements.comparator, migration 0022); NotExists
# is read as DoesNotExist.
COMPARATORS = {
    "GreaterThanOrEqualTo": "ge", "GreaterThan": "gt", "LessThanOrEqualTo": "le",
    "LessThan": "lt", "EqualTo": "eq", "NotEqualTo": "ne", "Exists": "exists",
    "DoesNotExist": "not_exists", "NotExists": "not_exists", "In": "in", "NotIn": "not_in",
}  # fmt: skip
MAX_SET = 15  # IntegerValues of In / NotIn, as MTurk allows
_CUSTOM = re.compile(r"^GBQ(\d{1,18})$")
# gigbot matches workers by language (users.language); a country stands for its main one.
COUNTRY_LANGUAGE = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "NZ": "en", "IE": "en", "IN": "en",
    "ZA": "en", "PH": "en", "SG": "en", "DE": "de", "AT": "de", "CH": "de", "FR": "fr",
    "BE": "fr", "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es",
    "VE": "es", "BR": "pt", "PT": "pt", "IT": "it", "NL": "nl", "RU": "ru", "UA": "uk",
    "PL": "pl", "TR": "tr", "JP": "ja", "KR": "ko", "CN": "zh", "TW": "zh", "SE": "sv",
    "NO": "nb", "DK": "da", "FI": "fi", "GR": "el", "CZ": "cs", "RO": "ro", "HU": "hu",
    "IL": "he", "ID": "id", "VN": "vi", "TH": "th", "EG": "ar", "SA": "ar", "AE": "ar",
}  # fmt: skip
_ACTIONS = ("Accept", "PreviewAndAccept", "DiscoverPreviewAndAccept")


def qualification_type_text(qualification_id: int) -> str:
    """7 -> "GBQ00000007"."""
    return f"GBQ{qualification_id:08d}"


def parse_qualification_type_id(text: object) -> int | None:
    """ "GBQ00000007" -> 7; anything else (a system id too) -> None."""
    match = _CUSTOM.match(text) if isinstance(text, str) else None
    return int(match[1]) if match else None


def _integer(req: dict[str, Any], where: str) -> int:
    values = req.get("IntegerValues")
    if (
        not isinstance(values, list)
        or len(values) != 1
        or isinstance(values[0], bool)
        or not isinstance(values[0], int)
    ):
        raise ApiError(f"{where}: IntegerValues must hold exactly one whole number")
    return int(values[0])


def _integers(req: dict[str, Any], where: str) -> str:
    """In / NotIn's IntegerValues as a JSON list (1 to MAX_SET numbers)."""
    values = req.get("IntegerValues")
    if (
        not isinstance(values, list)
        or not 1 <= len(values) <= MAX_SET
        or any(isinstance(v, bool) or not isinstance(v, int) for v in values)
    ):
        raise ApiError(f"{where}: IntegerValues must hold 1 to {MAX_SET} whole numbers")
    return json.dumps(values)


def _compared(req: dict[str, Any], where: str, *, held: bool) -> tuple[str, str]:
    """(comparator, value) of a number requirement. GreaterThanOrEqualTo and GreaterThan
    keep gigbot's own spelling (at least `value`); `held`: Exists / DoesNotExist may be
    asked of it (a custom type; every worker has an approval rate)."""
    given = req.get("Comparator")
    comparator = COMPARATORS.get(given) if isinstance(given, str) else None
    if comparator is None:
        raise ApiError(f"{where}: Comparator must be one of {', '.join(COMPARATORS)}")
    if comparator in ("exists", "not_exists"):
        if not held:
            raise ApiError(f"{where}: every worker has this qualification; compare its value")
        if req.get("IntegerValues"):
            raise ApiError(f"{where}: IntegerValues must not be given with {given}")
        return ("", ANY_VALUE) if comparator == "exists" else ("not_exists", "")
    if comparator in ("in", "not_in"):
        return comparator, _integers(req, where)
    value = _integer(req, where)
    if comparator == "ge":
        return "", str(value)
    if comparator == "gt":
        return "", str(value + 1)
    return comparator, str(value)


def _language(req: dict[str, Any], where: str) -> tuple[str, str]:
    """(comparator, value) of a Worker_Locale requirement: one language (EqualTo,
    NotEqualTo, or In / NotIn countries that speak one) or a JSON list of them."""
    given = req.get("Comparator")
    comparator = {"EqualTo": "", "In": "in", "NotEqualTo": "ne", "NotIn": "not_in"}.get(
        given if isinstance(given, str) else ""
    )
    if comparator is None:
        raise ApiError(f"{where}: Worker_Locale takes EqualTo, NotEqualTo, In or NotIn")
    places = req.get("LocaleValues")
    if not isinstance(places, list) or not places:
        raise ApiError(f"{where}: LocaleValues with a Country are required")
    languages = set()
    for place in places:
        country = place.get("Country") if isinstance(place, dict) else None
        if not isinstance(country, str) or country.upper() not in COUNTRY_LANGUAGE:
            raise ApiError(f"{where}: gigbot cannot match the Country {country!r} to a language")
        languages.add(COUNTRY_LANGUAGE[country.upper()])
    if comparator in ("", "ne") and len(languages) != 1:
        raise ApiError(
            f"{where}: gigbot matches workers by language and these countries speak"
            f" {', '.join(sorted(languages))}; use In or NotIn"
        )
    if comparator in ("", "ne"):
        return comparator, languages.pop()
    if comparator == "in" and len(languages) == 1:
        return "", languages.pop()
    return comparator, json.dumps(sorted(languages))


def _one(req: object, number: int) -> Requirement:
    where = f"QualificationRequirements[{number}]"
    if not isinstance(req, dict):
        raise ApiError(f"{where} must be an object")
    actions = req.get("ActionsGuarded", "Accept")
    if actions not in _ACTIONS:
        raise ApiError(f"{where}: ActionsGuarded must be one of {', '.join(_ACTIONS)}")
    type_id = req.get("QualificationTypeId")
    if type_id in (APPROVAL_RATE, APPROVED_COUNT):
        comparator, value = _compared(req, where, held=False)
        kind = RequirementKind.APPROVAL_RATE if type_id == APPROVAL_RATE else (
            RequirementKind.APPROVED_COUNT
        )
        return Requirement(kind, value, comparator=comparator)
    if type_id == LOCALE:
        comparator, value = _language(req, where)
        return Requirement(RequirementKind.LOCALE, value, comparator=comparator)
    custom = parse_qualification_type_id(type_id)
    if custom is not None:
        comparator, value = _compared(req, where, held=True)
        return Requirement(RequirementKind.QUALIFICATION, value, custom, comparator=comparator)
    name = UNSUPPORTED_SYSTEM.get(str(type_id))
    if name is not None:
        raise ApiError(f"{where}: the system qualification {name} is not supported by gigbot")
    raise ApiError(f"{where}: QualificationType {type_id} does not exist.")


def parse_requirements(given: object) -> list[Requirement]:
    """QualificationRequirements as sent -> hit_requirements rows; ApiError naming the problem."""
    if given is None:
        return []
    if not isinstance(given, list):
        raise ApiError("QualificationRequirements must be a list")
    return [_one(req, n) for n, req in enumerate(given)]


def canonical(given: object) -> str:
    """The requirements as sent, in one spelling (part of a HIT type's identity)."""
    if not given:
        return "[]"
    return json.dumps(given, sort_keys=True, separators=(",", ":"))
