"""Names of the fixed vocabularies (sectors, kinds of organization, rule topics) per language.

The domain returns ids; these tables turn them into words through gettext. Region and country
names are not here: they come from Babel's CLDR data in the user's locale.
"""

from __future__ import annotations

from bot.i18n import N_, Translator
from directory.organizations import FORMER_EDITOR

SECTOR_NAMES: dict[str, str] = {
    "street_vendors": N_("Street vendors"),
    "market_traders": N_("Market traders"),
    "home_based_workers": N_("Home-based workers"),
    "domestic_workers": N_("Domestic workers"),
    "waste_pickers": N_("Waste pickers"),
    "head_porters": N_("Head porters"),
    "food_workers": N_("Food and hospitality workers"),
    "informal_workers_general": N_("Informal workers (all sectors)"),
}

KIND_NAMES: dict[str, str] = {
    "global_network": N_("Global network"),
    "regional_network": N_("Regional network"),
    "national": N_("National organization"),
    "local": N_("Local organization"),
}

RULE_TOPICS: dict[str, str] = {
    "funding": N_("Funding and grants"),
    "information": N_("Information and research"),
    "student_research": N_("Help with student research"),
    "media": N_("Media requests"),
    "new_subject_area": N_("Work outside WIEGO's priorities"),
    "private_sector": N_("Companies and consultancies"),
    "internship": N_("Internships and volunteering"),
    "access_to_workers": N_("Contact with informal workers"),
    "service_delivery": N_("Service delivery projects"),
    "government_call": N_("Government funding calls"),
    "short_deadline": N_("Proposals due within a month"),
    "speaker": N_("Speakers for events"),
    "partnership": N_("Partnerships"),
    "directory": N_("Finding organizations"),
    "membership": N_("Becoming a member of WIEGO"),
    "about_wiego": N_("About WIEGO and how to reach it"),
}

VERDICT_NAMES: dict[str, str] = {
    "no": N_("No"),
    "yes": N_("Yes"),
    "sometimes": N_("Sometimes"),
    "not_applicable": N_("Not a policy question"),
}

# UN M49 areas offered by /directory; their names come from CLDR in the user's language.
BROWSE_REGIONS: tuple[str, ...] = ("002", "142", "419", "150", "021", "009")


def sector(t: Translator, sector_id: str) -> str:
    return t._(SECTOR_NAMES[sector_id]) if sector_id in SECTOR_NAMES else sector_id


def kind(t: Translator, kind_id: str) -> str:
    return t._(KIND_NAMES[kind_id]) if kind_id in KIND_NAMES else kind_id


def topic(t: Translator, rule_id: str) -> str:
    return t._(RULE_TOPICS[rule_id]) if rule_id in RULE_TOPICS else rule_id


def verdict(t: Translator, verdict_id: str) -> str:
    return t._(VERDICT_NAMES[verdict_id]) if verdict_id in VERDICT_NAMES else verdict_id


def who(t: Translator, who_id: str) -> str:
    """Who made a change, as the history shows it: a person forgotten by /forget is not named."""
    return t._("a former editor") if who_id == FORMER_EDITOR else who_id


# Larger directories a referral points to (directory/referrals.py has their addresses).
LARGER_DIRECTORY_NAMES: dict[str, str] = {
    "globalrec": N_("the waste pickers' world database (GlobalRec)"),
    "streetnet": N_("StreetNet International's list of affiliates"),
    "idwf": N_("the IDWF's list of affiliates"),
    "wiego": N_("WIEGO's organizing database"),
}


def larger_directory(t: Translator, directory_id: str) -> str:
    name = LARGER_DIRECTORY_NAMES.get(directory_id)
    return t._(name) if name else directory_id
