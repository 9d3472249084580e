"""What the section parsers share: the collector of problems and warnings, and the values of
a checked item. The schema has reported every value of the wrong shape; ``text``, ``code``,
``day``, … turn such a value into None (or the default) so that the hand checks can run on
the rest and report everything at once."""

from datetime import date

from plansicht.engine import calendar

from .schema import is_date, known_keys


class Checker:
    """Collects every problem instead of stopping at the first, so a clerk fixes all at once.
    ``shaped`` holds the paths the schema already found wrong; the hand checks skip them."""

    def __init__(self, shape: list[tuple[str, str]]):
        self.problems: list[tuple[str, str]] = list(shape)
        self.warnings: list[tuple[str, str]] = []
        self.shaped = {path for path, _message in shape}

    def problem(self, path, message):
        self.problems.append((path, message))

    def unknown(self, item, path, known):
        """Keys the format does not name are ignored, with a warning."""
        for key in item:
            if key not in known:
                self.warnings.append((join(path, key), "unknown key, ignored"))

    def unique(self, items, path_of, seen_what):
        """Codes must be unique: report each repeat with where it was first used."""
        first = {}
        for i, item in enumerate(items):
            code = item.get("code")
            if code is None:
                continue
            if code in first:
                self.problem(
                    f"{path_of(i)}.code",
                    f"{seen_what} code {code!r} is used twice (first at {path_of(first[code])}); "
                    "codes must be unique",
                )
            else:
                first[code] = i
        return first

    def ref(self, value, index, path, what):
        """A code that must name a ``what`` of this document."""
        if value and value not in index:
            self.problem(path, f"{value!r} is not the code of a {what} in this document")


def as_text(item, key, default=""):
    value = item.get(key)
    return value if isinstance(value, str) else default


def as_code(item, key):
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def as_date(item, key) -> date | None:
    value = item.get(key)
    if isinstance(value, str) and is_date(value):
        value = date.fromisoformat(value)
        return value if calendar.in_range(value) else None
    return None


def as_int(item, key, default=None):
    value = item.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_bool(item, key, default=False):
    value = item.get(key, default)
    return value if isinstance(value, bool) else default


def objects(doc, key, name, within=""):
    """The items of a list, each with its path (below ``within``, the path of ``doc`` if it is
    a section inside the document); the items that are no object are None."""
    value = doc.get(key, [])
    known = known_keys(name)
    for i, raw in enumerate(value if isinstance(value, list) else []):
        yield join(within, f"{key}[{i}]"), raw if isinstance(raw, dict) else None, known


def join(path, key):
    return f"{path}.{key}" if path else key
