"""Every URL of the site, with a sample for each argument: real ids where a visitor has them."""

import re
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# A route argument <converter:name>, and a regex group (?P<name>pattern).
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<pattern>[^()]*)\)")
SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def routes(patterns=None, prefix: str = "") -> Iterator[str]:
    """Each URL pattern's full route, resolvers' prefixes joined in, as Django's syntax has it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def concrete(route: str, ids: dict[str, str]) -> str:
    """A path that the route matches: `ids` by argument name first, then a sample by converter."""

    def argument(found: re.Match) -> str:
        return ids.get(found["name"]) or SAMPLES.get(found["converter"] or "str", "x")

    def group(found: re.Match) -> str:
        alternatives = found["pattern"].split("|")
        return ids.get(found["name"]) or (alternatives[0] if len(alternatives) > 1 else "x")

    return "/" + ARGUMENT.sub(argument, GROUP.sub(group, route))


def site_paths(ids: dict[str, str]) -> list[str]:
    return sorted({concrete(route, ids) for route in routes()})
