"""The words for a post's alerts. The forecast stores the codes
(``engine.hiring``: ``not_in_establishment_plan``, ``not_advertised``, ``contract_ending``,
``stand_in_only``); these sentences say what to do about each, in the active language."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def alert_texts(position, codes, as_of: date) -> list[str]:
    """The stored alert ``codes`` of ``position`` as sentences that say what to do."""
    commitment = position.grant.commitment_date if position.grant_id else None
    waited = (as_of - commitment).days if commitment else None
    texts = []
    for code in codes or []:
        if code == "not_in_establishment_plan":
            texts.append(
                ngettext(
                    "Not in the establishment plan %(days)d day after the grant notice: "
                    "have the post added to the establishment plan.",
                    "Not in the establishment plan %(days)d days after the grant notice: "
                    "have the post added to the establishment plan.",
                    waited or 0,
                )
                % {"days": waited or 0}
            )
        elif code == "not_advertised":
            texts.append(
                ngettext(
                    "Not advertised %(days)d day after the grant notice: advertise the post now.",
                    "Not advertised %(days)d days after the grant notice: advertise the post now.",
                    waited or 0,
                )
                % {"days": waited or 0}
            )
        elif code == "contract_ending":
            end = position.contract_end
            if end is not None and end < as_of:
                texts.append(
                    _(
                        "The holder's contract ended on %(date)s: enter the extension, or the "
                        "step back to “planned” or “advertised”."
                    )
                    % {"date": _short(end)}
                )
            else:
                texts.append(
                    _(
                        "The holder's contract ends on %(date)s: extend it or start hiring a "
                        "successor now."
                    )
                    % {"date": _short(end)}
                )
        elif code == "stand_in_only":
            texts.append(
                _(
                    "Only a stand-in covers the post (%(cover)s): it still counts as vacant and "
                    "the milestones keep waiting. Fill it regularly."
                )
                % {"cover": position.get_cover_display()}
            )
        else:
            texts.append(code)
    return texts
