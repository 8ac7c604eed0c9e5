"""Place names a question can ask for by kind ("which country", "which state"), lowercase.

Hand-written lists of sovereign states (common English names and a few usual aliases) and US states:
public knowledge, used as one feature of the candidate-answer model, never as the only evidence.
"""

from __future__ import annotations

COUNTRIES = frozenset(
    """afghanistan albania algeria andorra angola antigua argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil
    brunei bulgaria burkina burundi cambodia cameroon canada chad chile china colombia comoros congo
    croatia cuba cyprus czechia czech denmark djibouti dominica ecuador egypt eritrea estonia eswatini
    ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada guatemala guinea guyana
    haiti honduras hungary iceland india indonesia iran iraq ireland israel italy jamaica japan jordan
    kazakhstan kenya kiribati kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya
    liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius
    mexico micronesia moldova monaco mongolia montenegro morocco mozambique myanmar burma namibia nauru
    nepal netherlands holland nicaragua niger nigeria norway oman pakistan palau palestine panama paraguay
    peru philippines poland portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore
    slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan tanzania
    thailand togo tonga tunisia turkey türkiye turkmenistan tuvalu uganda ukraine uruguay uzbekistan
    vanuatu vatican venezuela vietnam yemen zambia zimbabwe greenland scotland wales england""".split()
) | frozenset(
    [
        "bosnia and herzegovina",
        "burkina faso",
        "cape verde",
        "central african republic",
        "costa rica",
        "czech republic",
        "dominican republic",
        "east timor",
        "el salvador",
        "equatorial guinea",
        "guinea-bissau",
        "ivory coast",
        "marshall islands",
        "new zealand",
        "north korea",
        "north macedonia",
        "papua new guinea",
        "saudi arabia",
        "sierra leone",
        "solomon islands",
        "south africa",
        "south korea",
        "south sudan",
        "sri lanka",
        "trinidad and tobago",
        "united arab emirates",
        "uae",
        "united kingdom",
        "uk",
        "britain",
        "great britain",
        "united states",
        "us",
        "u.s.",
        "usa",
        "america",
        "the netherlands",
        "the philippines",
        "hong kong",
        "puerto rico",
        "gaza",
        "northern ireland",
        "the united states",
        "the united kingdom",
        "the uk",
        "the us",
    ]
)

US_STATES = frozenset(
    """alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota
    mississippi missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah
    vermont virginia washington wisconsin wyoming""".split()
) | frozenset(
    [
        "new hampshire",
        "new jersey",
        "new mexico",
        "new york",
        "north carolina",
        "north dakota",
        "rhode island",
        "south carolina",
        "south dakota",
        "west virginia",
    ]
)

# what a question's head noun says about the answer: a place list to check against, or a person
PLACE_NOUNS = {"country": COUNTRIES, "nation": COUNTRIES, "state": US_STATES}
PERSON_NOUNS = frozenset(
    """person man woman official minister director president leader actor actress singer rapper player
    golfer athlete star celebrity musician artist author writer ceo founder candidate senator governor
    judge lawmaker politician coach quarterback pitcher champion billionaire journalist host comedian
    chancellor king queen prince princess pope mayor secretary chief commissioner general
    footballer tennis swimmer driver skier boxer""".split()
)

# words that make a name a role or an institution rather than a person ("Minister of Interior")
INSTITUTION_WORDS = frozenset(
    """minister ministry president presidency director directorate general secretary secretariat ambassador
    embassy governor government republic kingdom federation union council commission committee agency
    office department center centre institute university college school forum conference summit court
    police army force forces party association organization organisation corporation company group bank
    authority administration service services parliament assembly senate congress house network project
    operation programme program initiative foundation board bureau customs""".split()
)


def is_country(text: str) -> bool:
    """Return True when text names a country (or a usual alias of one)."""
    return text.lower().strip().removeprefix("the ") in COUNTRIES or text.lower().strip() in COUNTRIES


def is_place(text: str) -> bool:
    """Return True when text names a country or a US state."""
    low = text.lower().strip()
    return is_country(low) or low in US_STATES
