"""The public holidays of a programme's region, from the maintained ``holidays`` package.

A region is an ISO 3166-2 code such as ``DE-RP`` (a country alone, ``DE``, gives its
nationwide holidays); categories add holidays beyond the public ones where the package knows
them, e.g. ``catholic`` for Mariä Himmelfahrt in Catholic parts of Bavaria.
"""

from functools import lru_cache

import holidays as holidays_package


def problem(region: str, categories) -> str | None:
    """What is wrong with a region and its categories, in words; None if they are usable."""
    country, _dash, subdivision = (region or "").partition("-")
    supported = holidays_package.list_supported_countries()
    if country not in supported:
        return (
            f"“{region}” is not a region the holidays calendar knows; give an ISO 3166-2 code "
            "such as DE-RP"
        )
    if subdivision and subdivision not in supported[country]:
        return (
            f"“{region}” is not a region the holidays calendar knows; for {country} it knows "
            + ", ".join(f"{country}-{s}" for s in supported[country])
        )
    known = holidays_package.country_holidays(country).supported_categories
    unknown = [c for c in categories or () if c not in known]
    if unknown:
        return f"holiday category “{unknown[0]}” is unknown for {country}; it knows " + ", ".join(
            sorted(known)
        )
    return None


def categories_of(region: str) -> list[str]:
    """The holiday categories the calendar knows for the country of ``region``, sorted; none
    for a country it does not know."""
    country = (region or "").partition("-")[0]
    if country not in holidays_package.list_supported_countries():
        return []
    return sorted(holidays_package.country_holidays(country).supported_categories)


def region_name(region: str) -> str:
    """A region by its name where the calendar knows one ("Rheinland-Pfalz" for DE-RP), else
    its code as given."""
    country, _dash, subdivision = (region or "").partition("-")
    if not subdivision or country not in holidays_package.list_supported_countries():
        return region
    aliases = getattr(holidays_package.country_holidays(country), "subdivisions_aliases", {})
    return {code: name for name, code in aliases.items()}.get(subdivision, region)


@lru_cache(maxsize=64)
def _calendar(region: str, categories: tuple):
    country, _dash, subdivision = region.partition("-")
    return holidays_package.country_holidays(
        country,
        subdiv=subdivision or None,
        categories=tuple(dict.fromkeys(("public", *categories))),
    )


def calendar(region: str, categories=()):
    """The public holidays of ``region`` (with ``categories``): a container of dates that
    grows to any year asked for. Raises ValueError for a region or category it does not know."""
    message = problem(region, categories)
    if message:
        raise ValueError(message)
    return _calendar(region, tuple(categories or ()))
