"""Personal data: what the app holds about a person (access.py), anonymising a former user (erasure.py),
removing personal data past its retention (retention.py), and the privacy and accessibility links the public
pages show (links.py)."""

from .access import Section, personal_data, to_json, to_xlsx
from .erasure import anonymise, anonymise_problem, placeholder_name
from .links import PublicLinks, link_problem, public_links, set_public_links
from .retention import PURGE_STEPS, PurgeReport, purge

__all__ = [
    "PURGE_STEPS",
    "PublicLinks",
    "PurgeReport",
    "Section",
    "anonymise",
    "anonymise_problem",
    "link_problem",
    "personal_data",
    "placeholder_name",
    "public_links",
    "purge",
    "set_public_links",
    "to_json",
    "to_xlsx",
]
