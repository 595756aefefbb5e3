"""Member counts in the reader's language: "about 2 million members" → "environ 2 000 000 membres".

`directory.headcount` reads what the sources say; this says it again with gettext plurals and
Babel's number format. A count of another shape keeps its words, its numbers localized.
"""

from __future__ import annotations

from bot.i18n import Translator
from directory.headcount import Amount, numbers_in, parse


def _counted(t: Translator, unit: str, n: int) -> str:
    """`n` units, with the plural the reader's language needs."""
    match unit:
        case "members":
            return t.ngettext("%(n)s member", "%(n)s members", n)
        case "workers":
            return t.ngettext("%(n)s worker", "%(n)s workers", n)
        case "affiliates":
            return t.ngettext("%(n)s affiliate", "%(n)s affiliates", n)
        case "organizations":
            return t.ngettext("%(n)s organization", "%(n)s organizations", n)
        case "member_organizations":
            return t.ngettext("%(n)s member organization", "%(n)s member organizations", n)
        case "affiliated_organizations":
            return t.ngettext("%(n)s affiliated organization", "%(n)s affiliated organizations", n)
        case "base_organizations":
            return t.ngettext("%(n)s grassroots organization", "%(n)s grassroots organizations", n)
        case "member_groups":
            return t.ngettext("%(n)s member group", "%(n)s member groups", n)
        case "groups":
            return t.ngettext("%(n)s group", "%(n)s groups", n)
        case "associations":
            return t.ngettext("%(n)s association", "%(n)s associations", n)
        case "branches":
            return t.ngettext("%(n)s branch", "%(n)s branches", n)
        case "unions":
            return t.ngettext("%(n)s union", "%(n)s unions", n)
        case "countries":
            return t.ngettext("%(n)s country", "%(n)s countries", n)
        case "states":
            return t.ngettext("%(n)s state", "%(n)s states", n)
        case "districts":
            return t.ngettext("%(n)s district", "%(n)s districts", n)
        case "provinces":
            return t.ngettext("%(n)s province", "%(n)s provinces", n)
        case "sectors":
            return t.ngettext("%(n)s sector", "%(n)s sectors", n)
        case "recyclers":
            return t.ngettext("%(n)s recycler", "%(n)s recyclers", n)
        case "grassroots_cooperatives":
            return t.ngettext("%(n)s grassroots cooperative", "%(n)s grassroots cooperatives", n)
    return t.number(n)


def _uncounted(t: Translator, unit: str) -> str:
    match unit:
        case "affiliates":
            return t._("affiliates")
        case "organizations":
            return t._("organizations")
        case "branches":
            return t._("branches")
        case "national_movements":
            return t._("national movements")
    return unit


def _amount(t: Translator, amount: Amount) -> str:
    if amount.value is None:
        return _uncounted(t, amount.unit)
    text = _counted(t, amount.unit, amount.value) if amount.unit else t.number(amount.value)
    if amount.qualifier == "about":
        return t._("about %(amount)s", amount=text)
    if amount.qualifier == "over":
        return t._("over %(amount)s", amount=text)
    return text


def members_text(t: Translator, members: str) -> str:
    """A member count as the reader would write it."""
    count = parse(members)
    if not count.understood:
        out, last = [], 0
        for start, end, value in numbers_in(members):
            out += [members[last:start], t.number(value)]
            last = end
        return "".join([*out, members[last:]])
    said = []
    for part in count.parts:
        text = _amount(t, part.amount)
        if part.within is not None:
            text = t._("%(amount)s in %(where)s", amount=text, where=_amount(t, part.within))
        said.append(text)
    return "; ".join(said)
