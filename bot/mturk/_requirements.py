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


def _at_least(req: dict[str, Any], where: str) -> int:
    comparator = req.get("Comparator")
    if comparator == "GreaterThanOrEqualTo":
        return _integer(req, where)
    if comparator == "GreaterThan":
        return _integer(req, where) + 1
    raise ApiError(
        f"{where}: Comparator {comparator} is not supported by gigbot"
        " (it keeps a minimum: use GreaterThanOrEqualTo or GreaterThan)"
    )


def _language(req: dict[str, Any], where: str) -> str:
    if req.get("Comparator") not in ("EqualTo", "In"):
        raise ApiError(f"{where}: Worker_Locale takes the Comparator EqualTo or In in gigbot")
    places = req.get("LocaleValues")
    if not isinstance(places, list) or not places:
        raise ApiError(f"{where}: LocaleValues with a Country are required")
    languages = set()
    for place in places:
        country = place.get("Country") if isinstance(place, dict) else None
        if not isinstance(country, str) or country.upper() not in COUNTRY_LANGUAGE:
            raise ApiError(f"{where}: gigbot cannot match the Country {country!r} to a language")
        languages.add(COUNTRY_LANGUAGE[country.upper()])
    if len(languages) != 1:
        raise ApiError(
            f"{where}: gigbot matches workers by language and these countries speak"
            f" {', '.join(sorted(languages))}; make one HIT per language"
        )
    return languages.pop()


def _one(req: object, number: int) -> Requirement:
    where = f"QualificationRequirements[{number}]"
    if not isinstance(req, dict):
        raise ApiError(f"{where} must be an object")
    actions = req.get("ActionsGuarded", "Accept")
    if actions not in _ACTIONS:
        raise ApiError(f"{where}: ActionsGuarded must be one of {', '.join(_ACTIONS)}")
    type_id = req.get("QualificationTypeId")
    if type_id == APPROVAL_RATE:
        return Requirement(RequirementKind.APPROVAL_RATE, str(_at_least(req, where)))
    if type_id == APPROVED_COUNT:
        return Requirement(RequirementKind.APPROVED_COUNT, str(_at_least(req, where)))
    if type_id == LOCALE:
        return Requirement(RequirementKind.LOCALE, _language(req, where))
    custom = parse_qualification_type_id(type_id)
    if custom is not None:
        if req.get("Comparator") == "Exists":
            return Requirement(RequirementKind.QUALIFICATION, ANY_VALUE, custom)
        return Requirement(RequirementKind.QUALIFICATION, str(_at_least(req, where)), custom)
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
