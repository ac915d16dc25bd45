"""Scrub personal data from free text: e-mails, URLs, phone numbers, national ids and names.

:func:`scrub_pii` replaces what it finds with ``[email]``, ``[url]``, ``[phone]``, ``[id]``
and ``[name]``. It runs in linear time: every regular expression here has bounded
quantifiers (a match attempt reads at most ``MAX_MATCH_WIDTH`` characters) and the name
pass is one walk over the words.

What is treated as what (see docs/privacy.md for the full rules and measured rates):

- Phone numbers are digit groups with the separators phone numbers use (space, dot, hyphen,
  unicode dashes, slash, brackets). A candidate is a phone number when it starts with ``+``
  or ``00`` (7-15 digits), is a national number starting with 0 (10-11 digits), is grouped
  like a North American number, or has 7-15 digits next to a cue word (call, phone, tel,
  mobile, ring, text, WhatsApp, ...). Short local numbers (7-8 digits) also count when
  grouped like ``555 0199`` or ``8765 4321``. Dates, times, year ranges, versions, money,
  percentages, thousands-separated counts are protected first. Bare digit runs that are not
  national-format phone numbers (``ticket 4471234``, a 12-digit respondent id) are kept
  unless a cue word stands next to them, and so are digits glued to an id prefix
  (``INC0012345``).
- National ids: UK National Insurance numbers, US Social Security numbers, IBANs (mod-97
  check) and payment card numbers (Luhn check) become ``[id]``.
- Names: a capitalised word that is a known first name (shipped public-domain lists), with
  the capitalised surname that follows; any capitalised word after a title (Dr, Mrs, ...)
  or after "my name is", "my manager", "colleague", ...; a known first name after "I am",
  "ask", "thanks to", ... (also in lower case); names joined to a found name by "and", "&"
  or a comma. First names that are also common words (Will, May, Grace, Mark, Bill) need a
  surname or a cue; months, weekdays, products, places and organisation vocabulary are
  never names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

__all__ = ["scrub_pii", "scrub_pii_many", "PATTERNS", "MAX_MATCH_WIDTH"]

# A match attempt of any pattern below reads at most this many characters.
MAX_MATCH_WIDTH = 2100

_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACE = " \u00a0\u2007\u2009\u202f"
_SEP = f"[{_SPACE}.{_DASH}/]"

# ------------------------------------------------------------------------ e-mail, URL ---
_LOCAL = r"[\w+\-][\w+\-']{0,63}(?:\.[\w+\-]{1,64}){0,8}"
_LABEL = r"[^\W_][\w\-]{0,62}"
EMAIL = re.compile(rf"(?<![\w.+\-]){_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,8}}(?![\w@])")
_TLD = r"(?:com|org|net|gov|edu|co|uk|io|ac|nhs|int|biz|info|me|eu|de|fr|ie|au|ca|in|us)"
_AT = rf"(?:[{_SPACE}]{{0,2}}[\[(<{{]{{1}}[{_SPACE}]{{0,2}}at[{_SPACE}]{{0,2}}[\])>}}][{_SPACE}]{{0,2}}|[{_SPACE}]{{1,2}}at[{_SPACE}]{{1,2}})"
_DOT = rf"(?:[{_SPACE}]{{0,2}}[\[(<{{][{_SPACE}]{{0,2}}dot[{_SPACE}]{{0,2}}[\])>}}][{_SPACE}]{{0,2}}|[{_SPACE}]{{1,2}}dot[{_SPACE}]{{1,2}}|\.)"
# "jane dot smith at example dot com", "jane[at]example[dot]co[dot]uk", "j.smith at example.com"
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+\-])[\w+\-]{{1,64}}(?:{_DOT}[\w+\-]{{1,64}}){{0,4}}{_AT}"
    rf"{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}{_DOT}{_TLD}\b",
    re.IGNORECASE,
)
URL = re.compile(
    r"\b(?:https?://|ftp://|www\.)[^\s<>\"']{0,2047}[^\s<>\"'.,;:!?)\]]", re.IGNORECASE
)
# "@sarah.jones" in "ping @sarah.jones on Teams": a chat mention is a person
MENTION = re.compile(r"(?<![\w@.])@[^\W\d_][\w.\-]{1,39}(?<![.\-])")

# --------------------------------------------------------------------- national ids ---
_NINO_PREFIX = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
NINO = re.compile(
    rf"(?<![\w]){_NINO_PREFIX}[{_SPACE}]?\d{{2}}[{_SPACE}]?\d{{2}}[{_SPACE}]?\d{{2}}[{_SPACE}]?[A-D](?!\w)",
    re.IGNORECASE,
)
SSN = re.compile(
    rf"(?<![\w{_DASH}.])(?!000|666|9\d\d)\d{{3}}[{_DASH}](?!00)\d{{2}}[{_DASH}](?!0000)\d{{4}}(?![\w{_DASH}]|\.\d)"
)
IBAN = re.compile(r"(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)")
CARD = re.compile(
    rf"(?<![\w.,{_DASH}])\d{{4}}(?:[ {_DASH}]?\d{{4}}){{2}}[ {_DASH}]?\d{{1,7}}(?![\w{_DASH}]|[.,]\d)"
)

# ------------------------------------------------------------------- phone numbers ---
_ITEM = r"(?:\(\d{1,5}\)|\d{1,15}+)"
PHONE = re.compile(
    rf"(?<![\d+])(?<!\d[.,])"
    rf"(?P<num>(?:\+[{_SPACE}]?)?{_ITEM}"
    rf"(?:{_SEP}{{1,3}}\(?\d{{1,15}}+\)?|[{_SPACE}]{{0,2}}\(\d{{1,5}}\)|(?<=\))\d{{1,15}}+){{0,7}})"
    rf"(?!\d)"
)
# Spans a phone candidate must not overlap: dates, times, year ranges, versions, money,
# percentages and thousands-separated counts.
_D = f"[{_DASH}]"
PROTECTED = re.compile(
    "(?=[\\d£$€¥₹vV])(?:"
    + "|".join(
        [
            # ISO date, optionally with time and offset: 2026-05-11T09:14:00+01:00
            rf"(?<!\d)\d{{4}}{_D}\d{{1,2}}{_D}\d{{1,2}}(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d{{1,9}})?)?(?:Z|[+{_DASH}]\d{{2}}:?\d{{2}})?)?(?!\d)",
            # 11/05/2026, 11.05.2026, 11-05-26, 2026/05/11, with an optional time
            rf"(?<!\d)(?:\d{{1,2}}([./{_DASH}])\d{{1,2}}\1(?:\d{{4}}|\d{{2}})|\d{{4}}([./])\d{{1,2}}\2\d{{1,2}})(?:,?[ T]\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?)?(?!\d)",
            # times 09:14, 09:14:00
            r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)",
            # hour ranges 0900-1730
            rf"(?<!\d)(?:[01]\d|2[0-3])[0-5]\d[{_SPACE}]?{_D}[{_SPACE}]?(?:[01]\d|2[0-3])[0-5]\d(?!\d)",
            # years and year ranges 2019-2023, 2019/20, FY2024-25
            rf"(?<!\d)(?:1[89]|20)\d{{2}}[{_SPACE}]?(?:{_D}|/|to)[{_SPACE}]?(?:(?:1[89]|20)\d{{2}}|\d{{2}})(?!\d)",
            # versions v1.2.3, 10.4.12.1
            r"(?<![\d.])v?\d{1,2}\.\d{1,3}\.\d{1,3}(?:\.\d{1,4}){0,2}(?![\d])",
            # money: £1,250,000  $3.5m  €12 000  1,250 GBP
            rf"[£$€¥₹][{_SPACE}]?\d{{1,3}}(?:[,.{_SPACE}]\d{{1,3}}){{0,6}}",
            r"(?<![\d.,])\d{1,3}(?:[,.]\d{3}){0,6}(?:\.\d{1,4})?[ ]?(?:GBP|USD|EUR|pounds|dollars|euros)\b",
            # percentages and figures with a unit glued on
            rf"(?<![\d.,])\d{{1,15}}(?:[.,]\d{{1,6}})?[{_SPACE}]?(?:%|pc\b|percent\b|per cent\b)",
            # counts with thousands separators: 1,500 quotes, 12 000 claims
            rf"(?<![\d.,+])(?<!\d{_SEP})[1-9]\d{{0,2}}(?:,\d{{3}}){{1,6}}(?:\.\d{{1,4}})?(?![\d])",
            rf"(?<![\d.,+])(?<!\d{_SEP})[1-9]\d{{0,2}}(?:[{_SPACE}]\d{{3}}){{1,6}}(?![\d]|{_SEP}{{1,3}}\d)",
        ]
    )
    + ")",
    re.IGNORECASE,
)
_STRONG_CUE = re.compile(
    r"\b(?:call|called|calling|phone|phoned|telephone|tel|ph|fone|mob|mobile|cell|cellphone|"
    r"landline|ring|rang|text|txt|sms|whatsapp|whats ?app|fax|dial|extension|ext|helpline|"
    r"hotline|switchboard|contact number|phone number|mobile number|number is)\b",
    re.IGNORECASE,
)
_GLUED_CUE = re.compile(
    r"(?:call|phone|tel|ph|mob|mobile|cell|ring|text|txt|sms|whatsapp|fax|dial|t|m)[:.#]?$",
    re.IGNORECASE,
)
_POSSESSIVE = frozenset(("'s", "’s", "'S", "’S"))
# Text with no capital letter and no cue word cannot hold a name by these rules
_MAYBE_NAME = re.compile(
    r"\b(?:i'?m|i’m|i am|name|called|named|manager|boss|colleague|"
    r"supervisor|lead|leader|ask|asked|thanks|thank|cheers|cc|speak|talk|spoke|talked|ping|"
    r"hi|hello|dear|mr|mrs|ms|miss|mx|dr|prof)\b",
    re.IGNORECASE,
)
_ID_WORD = re.compile(
    r"\b(?:ticket|tickets|inc|incident|ref|reference|id|case|order|invoice|account|acct|po|"
    r"claim|policy|record|respondent|employee|staff|payroll|version|build|release|sku|item|"
    r"batch|job|request|req|chg|problem|task|story|bug|issue|pr|room|flight|vehicle|reg|"
    r"serial|licence|license|contract|tender|lot|route|store|branch|postcode|zip|code|pin|"
    r"passcode|isbn|issn|doi|meeting|conference)\b",
    re.IGNORECASE,
)

_CUE_OR_ID = re.compile(
    rf"(?P<cue>{_STRONG_CUE.pattern})|(?P<id>{_ID_WORD.pattern})", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_UNIT_AFTER = re.compile(r"\s?(?:%|k|m|bn|x|kg|km|ms|gb|mb|tb|units?)\b", re.IGNORECASE)
_GLUED_PREFIX = re.compile(r"[^\W\d]{1,12}[:.#]?$")
_DIGITS = re.compile(r"\d{1,15}")
_MAYBE_URL = re.compile(r"://|www\.", re.IGNORECASE)
_MAYBE_OBFUSCATED = re.compile(r"\bat\b", re.IGNORECASE)

PATTERNS: dict[str, re.Pattern] = {
    "EMAIL": EMAIL,
    "OBFUSCATED_EMAIL": OBFUSCATED_EMAIL,
    "URL": URL,
    "MENTION": MENTION,
    "NINO": NINO,
    "SSN": SSN,
    "IBAN": IBAN,
    "CARD": CARD,
    "PHONE": PHONE,
    "PROTECTED": PROTECTED,
    "STRONG_CUE": _STRONG_CUE,
    "GLUED_CUE": _GLUED_CUE,
    "ID_WORD": _ID_WORD,
}


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(match: re.Match) -> str:
    raw = match.group().replace(" ", "")
    if not 15 <= len(raw) <= 34:
        return match.group()
    moved = raw[4:] + raw[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return "[id]" if int(number) % 97 == 1 else match.group()


def _card_ok(match: re.Match) -> str:
    digits = "".join(ch for ch in match.group() if ch.isdigit())
    return "[id]" if 13 <= len(digits) <= 19 and _luhn(digits) else match.group()


def _left_words(text: str, start: int, width: int = 30) -> str:
    return text[max(0, start - width) : start]


def _is_phone(text: str, start: int, end: int, protected: tuple[list, list]) -> bool:
    cand = text[start:end]
    digits = "".join(_DIGITS.findall(cand))
    n = len(digits)
    if n < 7 or n > 15:
        return False
    k = bisect.bisect_right(protected[1], start)  # first protected span ending after start
    if k < len(protected[0]) and protected[0][k] < end:
        return False
    left = _left_words(text, start)
    before = text[start - 1] if start else ""
    after = text[end : end + 12]
    # money or a figure with a unit: $3.5m, 1200000 kg
    if before and before in "£$€¥₹":
        return False
    if _UNIT_AFTER.match(after):
        return False
    groups = _DIGITS.findall(cand)
    plus = cand.startswith("+")
    # the nearer of a phone cue ("call", "mobile") and an id word ("ticket", "ref") wins
    nearest = None
    for nearest in _CUE_OR_ID.finditer(left):  # noqa: B007
        pass
    cue = bool(nearest and nearest.lastgroup == "cue")
    id_word = bool(nearest and nearest.lastgroup == "id")
    if before.isalpha() or before == "_":
        # glued to letters: tel:0207..., call07700..., but INC0012345 is a ticket id
        prefix = _GLUED_PREFIX.search(left)
        return bool(prefix and _GLUED_CUE.fullmatch(prefix.group()))
    if id_word:
        return False  # "ticket 4471234", "dial-in code 123 456 789"
    if plus:
        return n >= 7
    if digits.startswith("00") and n >= 10:
        return True
    if digits.startswith("0") and 10 <= n <= 11:
        return True
    if cue:
        return True
    if len(groups) >= 2 and n == 10 and [len(g) for g in groups[-2:]] == [3, 4]:
        return True  # (555) 010-0199, 555-010-0199, 555 010 0199
    if len(groups) == 2 and 7 <= n <= 8 and len(groups[1]) == 4 and len(groups[0]) in (3, 4):
        sep = cand[len(groups[0]) : len(cand) - 4]
        return sep.strip(_SPACE) in ("", "-", "\u2013", "\u2014", "\u2010", "\u2011", "\u2212")
    return False


def _scrub_phones(text: str) -> str:
    spans = [m.span() for m in PROTECTED.finditer(text)]
    protected = ([a for a, _ in spans], [b for _, b in spans])
    out = []
    last = 0
    for m in PHONE.finditer(text):
        start, end = m.span()
        # a closing bracket belongs to the number only if it opened inside it
        while (
            end > start
            and text[end - 1] == ")"
            and text[start:end].count("(") < text[start:end].count(")")
        ):
            end -= 1
        if _is_phone(text, start, end, protected):
            out.append(text[last:start])
            out.append("[phone]")
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


# ------------------------------------------------------------------------------ names ---
def _words(text: str) -> list[str]:
    return text.split()


# Never a name on its own: months, weekdays, products, places and organisation words.
STOP_WORDS = frozenset(
    _words(
        """
        january february march april may june july august september october november
        december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
        thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun spring
        summer autumn fall winter christmas easter xmas new year eid diwali teams team jira
        excel word outlook office windows azure amazon aws google apple microsoft salesforce
        sap oracle workday servicenow zendesk freshdesk slack zoom confluence tableau power
        bi sharepoint onedrive dynamics siebel xero sage alexa siri copilot chatgpt gemini
        genesys avaya twilio hubspot shopify stripe kafka python java linux github gitlab
        docker kubernetes terraform jenkins grafana splunk datadog looker qlik alteryx
        snowflake databricks visio miro trello asana notion figma canva adobe acrobat
        docusign citrix cisco dell lenovo tesla uber tesco sainsbury sainsburys asda aldi
        lidl boots argos morrisons waitrose ocado vodafone virgin barclays lloyds santander
        halifax nationwide aviva experian equifax nhs hmrc dwp ofsted ofcom ofgem capita
        serco deloitte accenture kpmg pwc mercer gartner hays randstad indeed linkedin
        glassdoor facebook meta twitter instagram tiktok youtube whatsapp netflix spotify
        visa mastercard amex paypal klarna sky bt royal mail evri hermes dpd dhl fedex ups
        parcelforce yodel mercedes audi ford toyota honda bmw lexus porsche ferrari jaguar
        rover bentley harley chevrolet dodge chrysler lincoln cadillac santa claus god jesus
        christ allah lord sales marketing finance operations ops service services support
        customer customers client clients manager managers management director directors
        head lead leads senior junior chief officer executive exec board committee council
        department dept division unit group hub centre center desk helpdesk legal compliance
        risk audit payroll procurement purchasing logistics warehouse claims underwriting
        billing bills accounts treasury estates facilities security engineering product
        products design research data analytics insight insights quality safety health care
        housing planning policy strategy transformation change delivery project projects
        programme program portfolio governance people talent recruitment learning training
        development communications comms digital technology tech infrastructure network
        platform cloud contact retail store stores branch region regional north south east
        west northern southern eastern western central global national local international
        mid upper lower greater new old great little saint st ltd limited plc inc llc corp
        group holdings partners associates bank trust foundation university college school
        academy hospital clinic ward trust county city town borough street road lane avenue
        park square house court hall dev devops admin app apps api crm erp hr it qa ux ui
        pmo kpi okr sla nps csat rate rates time cost costs revenue profit margin growth
        target targets score index total average net gross number volume value days hours
        level share ratio percentage count key result results objective objectives goal
        goals q1 q2 q3 q4 fy ytd dr mr mrs ms miss mx sir dame prof professor major general
        royal prince princess queen duke
        """
    )
) | frozenset(
    # countries, regions and big cities that double as first names or surnames
    _words(
        """
        uk us usa gb england scotland wales ireland britain european europe emea apac
        americas america asia africa india china japan korea france germany spain italy
        portugal poland netherlands belgium sweden norway denmark finland austria
        switzerland greece turkey russia ukraine israel egypt kenya nigeria ghana uganda
        tanzania rwanda zambia malawi ethiopia somalia sudan senegal mali niger chad
        congo angola namibia botswana zimbabwe mozambique madagascar morocco algeria
        tunisia libya lebanon syria iraq iran pakistan bangladesh nepal bhutan lanka sri
        myanmar thailand vietnam cambodia laos malaysia singapore indonesia philippines
        australia zealand canada mexico brazil argentina chile peru colombia venezuela
        ecuador bolivia paraguay uruguay cuba jamaica haiti panama armenia azerbaijan
        kazakhstan mongolia taiwan hong kong macau london manchester birmingham leeds
        glasgow edinburgh cardiff belfast bristol liverpool sheffield newcastle
        nottingham leicester coventry bradford hull york oxford cambridge reading
        brighton swindon milton keynes dublin paris berlin madrid amsterdam brussels
        frankfurt munich sydney melbourne brisbane perth adelaide toronto vancouver
        montreal austin dallas houston phoenix denver boston chicago seattle atlanta
        vegas jersey virginia carolina florida texas dakota indiana victoria kensington
        cornwall devon kent essex surrey sussex norfolk suffolk lancashire yorkshire
        cheshire washington columbia nevada arizona montana kansas nebraska tennessee
        kentucky alabama louisiana arkansas missouri iowa minnesota wisconsin michigan
        ohio pennsylvania maryland delaware vermont maine carolina oregon idaho wyoming
        utah alaska hawaii california accra kumasi colombo dodoma zanzibar nairobi lagos
        abuja
        """
    )
)

# Words that introduce a name whatever it is (any capitalised word that is not a stop word)
_STRONG_CUES = (
    "my name is",
    "name is",
    "name's",
    "names",
    "called",
    "named",
    "my manager",
    "line manager",
    "manager",
    "managers",
    "my boss",
    "boss",
    "colleague",
    "colleagues",
    "supervisor",
    "mentor",
    "team leader",
    "team lead",
    "teamleader",
    "director",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "hod",
)
# Words that introduce a known first name (also in lower case)
_WEAK_CUES = (
    "i am",
    "i'm",
    "im",
    "i’m",
    "this is",
    "it's",
    "its",
    "ask",
    "asked",
    "asking",
    "thanks to",
    "thanks",
    "thank",
    "thankyou",
    "cheers",
    "cc",
    "contact",
    "speak to",
    "talk to",
    "spoke to",
    "spoke with",
    "speak with",
    "talk with",
    "talked to",
    "ping",
    "email",
    "e-mail",
    "message",
    "told",
    "tell",
    "helped by",
    "by",
    "with",
    "from",
    "to",
    "and",
    "hi",
    "hello",
    "dear",
    "via",
    "per",
    "for",
    "like",
    "whereas",
    "unlike",
    "except",
    "including",
    "me and",
    "me &",
)
_LOWER_CUES = (
    "my name is",
    "name is",
    "name's",
    "called",
    "named",
    "my manager",
    "line manager",
    "manager",
    "my boss",
    "boss",
    "colleague",
    "supervisor",
    "team lead",
    "team leader",
    "i am",
    "i'm",
    "im",
    "i’m",
    "ask",
    "asked",
    "thanks to",
    "thanks",
    "thank",
    "cheers",
    "cc",
    "speak to",
    "talk to",
    "spoke to",
    "spoke with",
    "talked to",
    "ping",
    "hi",
    "hello",
    "dear",
)
# A first name followed by one of these is an organisation or a place, not a person
_ORG_WORDS = frozenset(
    _words(
        """
        services service group team teams ltd limited plc inc llc corp company co holdings
        partners associates bank trust foundation university college school academy
        hospital clinic centre center house hall court street road lane avenue park square
        station airport report act bill fund prize award programme program project
        """
    )
)
_DETERMINERS = frozenset(
    _words(
        """
        the a an our your their his her its this that these those each every any some no new
        old
        """
    )
)
_TITLES = frozenset(
    _words(
        """
        mr mrs ms miss mx dr prof professor sir dame lady lord rev revd
        """
    )
)
_WORD = re.compile(r"[^\W\d_]{1,40}(?:['’\-][^\W\d_]{1,40}){0,3}")
_SENTENCE_GAP = re.compile(r"[.!?\n\r•·;:|()\[\]\"“”]|(?:^|\s)[-*–—](?:\s|$)")
# Common dictionary-word surnames accepted after a first name even in lower case
_COMMON_SURNAME_WORDS = frozenset(
    _words(
        """
        smith brown white green wood hall hill king baker cook bell young ward walker turner
        cooper mason parker carter fisher hunter wright knight gray grey black lee rose
        marsh fox miller stone price long
        """
    )
)
# First names the word lists also hold as rare words, overwhelmingly names in prose
_NAME_NOT_WORD = frozenset(
    _words(
        """
        maria peter carol martin mike matt nick ken derrick sally victor harry jack amir
        """
    )
)


@lru_cache(maxsize=1)
def _name_sets() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """(first names, first names that are common words, surnames, surnames that are words)."""

    def load(filename: str) -> tuple[frozenset, frozenset]:
        names, words = set(), set()
        text = resources.files("opsworkbench").joinpath("data", filename).read_text("utf-8")
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            name, _, flag = line.partition(" ")
            names.add(name)
            if flag == "*":
                words.add(name)
        return frozenset(names), frozenset(words)

    first, first_words = load("first_names.txt")
    last, last_words = load("surnames.txt")
    return first, (first_words - _NAME_NOT_WORD) | (STOP_WORDS & first), last, last_words


def _cue_regex(cues: tuple[str, ...]) -> re.Pattern:
    """Matches lower-cased text that ends with one of ``cues`` and then a space."""
    alts = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’])(?:{alts})[ \t:,\-–]{{0,3}}[ \t]$")


def _last_words(cues: tuple[str, ...]) -> frozenset:
    """The word each cue ends with, as the word pattern reads it ("i'm", "cc", "is")."""
    return frozenset(_WORD.findall(cue)[-1].lower() for cue in cues)


_STRONG_LAST = _last_words(_STRONG_CUES)
_WEAK_LAST = _last_words(_WEAK_CUES)
_LOWER_LAST = _last_words(_LOWER_CUES)
_STRONG_CUE_END = _cue_regex(_STRONG_CUES)
_WEAK_CUE_END = _cue_regex(_WEAK_CUES)
_LOWER_CUE_END = _cue_regex(_LOWER_CUES)


def _is_cap(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word.isupper())


class _Words:
    """The words of one text with what the name rules ask about them."""

    def __init__(self, text: str):
        self.text = text
        matches = list(_WORD.finditer(text))
        self.spans = [m.span() for m in matches]
        self.raw = [m.group() for m in matches]
        # "Sarah's" is looked up as "Sarah"
        self.base = [w[:-2] if w[-2:] in _POSSESSIVE else w for w in self.raw]
        self.low = [w.lower() for w in self.base]
        self.n = len(self.raw)
        self._starts: dict[int, bool] = {}

    def start(self, i: int) -> bool:
        """Does word ``i`` open a sentence (or a bullet, a bracket, a quote)?"""
        if i <= 0:
            return True
        if i >= self.n:
            return False
        got = self._starts.get(i)
        if got is None:
            gap = self.text[self.spans[i - 1][1] : self.spans[i][0]]
            if self.low[i - 1] in _TITLES and gap.strip() == ".":
                got = False  # "Dr. Fernandes"
            else:
                got = bool(_SENTENCE_GAP.search(gap))
            self._starts[i] = got
        return got

    def bracketed(self, i: int) -> bool:
        s, e = self.spans[i]
        return s > 0 and self.text[s - 1] == "[" and self.text[e : e + 1] == "]"

    def left(self, i: int, width: int = 24) -> str:
        s = self.spans[i][0]
        return self.text[max(0, s - width) : s].lower()


def _scrub_names(text: str) -> str:
    if text == text.lower() and not _MAYBE_NAME.search(text):
        return text
    first, first_words, last, last_words = _name_sets()
    w = _Words(text)
    n, base, low = w.n, w.base, w.low
    cap = [_is_cap(b) for b in base]
    candidates = [
        i
        for i in range(n)
        if len(base[i]) > 1 and (cap[i] or low[i] in first or (i and low[i - 1] in _TITLES))
    ]
    if not candidates:
        return text
    if sum(b.isupper() and len(b) > 1 for b in base) > 0.6 * n:
        return text  # shouting or a list of acronyms: no reliable capitalisation
    title_case_memo: list[bool] = []

    def title_case() -> bool:
        """Title-case text (KPI names, headings): most ordinary words are capitalised."""
        if not title_case_memo:
            ordinary = [
                i
                for i in range(1, n)
                if len(base[i]) > 2
                and low[i] not in first
                and low[i] not in last
                and not w.start(i)
            ]
            title_case_memo.append(
                len(ordinary) >= 3 and sum(cap[i] for i in ordinary) >= 0.5 * len(ordinary)
            )
        return title_case_memo[0]

    def usable(i: int) -> bool:
        return 0 <= i < n and low[i] not in STOP_WORDS and not w.bracketed(i)

    def surname_like(i: int, strong_first: bool) -> bool:
        if i >= n or w.start(i) or not usable(i):
            return False
        lw = low[i]
        known = lw in last and (lw not in last_words or lw in _COMMON_SURNAME_WORDS)
        if cap[i]:
            if len(base[i]) == 1:
                return True  # an initial: "John S."
            return known or (strong_first and lw not in first_words and not title_case())
        return known

    def cap_neighbour(i: int) -> bool:
        """Is a neighbouring word in the same sentence capitalised and not a name?"""
        for j, k in ((i - 1, i), (i + 1, i + 1)):
            if (
                0 <= j < n
                and not w.start(k)
                and cap[j]
                and len(base[j]) > 1
                and low[j] not in first
                and low[j] not in _TITLES
            ):
                return True
        return False

    def org_follows(i: int) -> bool:
        j = i + 1
        return j < n and cap[j] and not w.start(j) and low[j] in _ORG_WORDS

    hit = [False] * n
    for i in candidates:
        if not usable(i):
            continue
        lw = low[i]
        left = w.left(i)
        prev = low[i - 1] if i else ""
        if "-" in lw and cap[i] and base[i].split("-")[1][:1].isupper():
            lw = lw.split("-")[0]  # "Kerry-Ann", "Mary-Jane"
        is_first = lw in first
        ambiguous = lw in first_words
        prev_raw = w.raw[i - 1].lower() if i else ""
        strong_cue = prev_raw in _STRONG_LAST and _STRONG_CUE_END.search(left)
        if cap[i] and ((prev in _TITLES and not w.start(i)) or strong_cue):
            hit[i] = True  # "Dr Okafor", "my manager Chidi", "my name is ..."
        elif cap[i] and is_first:
            named_cue = prev_raw in _LOWER_LAST and _LOWER_CUE_END.search(left)
            if title_case():
                # headings and KPI names: a first name needs a surname or a clear cue
                hit[i] = (not ambiguous and surname_like(i + 1, True)) or named_cue
            elif org_follows(i):
                hit[i] = False  # "Kelly Services", "Victoria Hospital", "Grace Group"
            elif prev in _DETERMINERS and not w.start(i):
                hit[i] = False  # "the Henry Classification System", "our Victoria branch"
            elif surname_like(i + 1, not ambiguous):
                hit[i] = True
            elif ambiguous:
                # Will, Grace, Mark, Bill alone: only after a cue, never inside a run of
                # capitalised words ("Integrated River and Lake Basin")
                weak_cue = not w.start(i) and prev_raw in _WEAK_LAST and _WEAK_CUE_END.search(left)
                hit[i] = (named_cue or weak_cue) and not cap_neighbour(i)
            elif w.start(i):
                # a known first name opening a sentence: "Priya sorted it", not "Priya."
                hit[i] = i + 1 < n and not w.start(i + 1)
            else:
                hit[i] = True
        elif (
            not cap[i]
            and prev in _TITLES
            and not w.start(i)
            and (
                (is_first and not ambiguous)
                or (lw in last and lw not in last_words)
                or lw in _COMMON_SURNAME_WORDS
            )
        ):
            hit[i] = True  # "ms wright", "dr okafor" in lower-case answers
        elif not cap[i] and is_first and not ambiguous and lw not in last_words:
            # lower case: only right after a cue ("ask sarah", "i'm jessica")
            hit[i] = prev_raw in _LOWER_LAST and bool(_LOWER_CUE_END.search(left))
    if not any(hit):
        return text
    # names joined to a found name: "Priya and Tom", "Tom, Priya and Sarah"
    changed = True
    while changed:
        changed = False
        for i in candidates:
            if hit[i] or not usable(i) or low[i] not in first:
                continue
            if not cap[i] and low[i] in first_words:
                continue
            for j, k in ((i - 2, i - 1), (i + 2, i + 1)):
                if 0 <= j < n and hit[j] and low[k] in ("and", "or", "&"):
                    hit[i] = changed = True
            gap = text[w.spans[i - 1][1] : w.spans[i][0]] if i else ""
            if i and hit[i - 1] and cap[i] and gap.strip() in (",", "&"):
                hit[i] = changed = True
    # each found name takes the surname(s) that follow: "John Smith", "Mary Ann O'Neill"
    out, last_end, i = [], 0, 0
    while i < n:
        if not hit[i]:
            i += 1
            continue
        j = i
        strong = low[i] not in first_words
        while (
            j + 1 < n
            and j - i < 2
            and not hit[j + 1]
            and surname_like(j + 1, strong)
            and (cap[j + 1] == cap[i] or len(base[j + 1]) == 1)
        ):
            j += 1
        start, end = w.spans[i][0], w.spans[j][1]
        if base[j] != w.raw[j]:
            end -= 2  # keep the possessive 's
        elif len(base[j]) == 1 and text[end : end + 1] == ".":
            end += 1
        out.append(text[last_end:start])
        out.append("[name]")
        last_end = end
        i = j + 1
    out.append(text[last_end:])
    return "".join(out)


def _scrub_known_names(text: str, names: Iterable[str]) -> str:
    _, first_words, _, _ = _name_sets()
    for name in names:
        name = (name or "").strip() if isinstance(name, str) else ""
        if len(name) < 2 or name.lower() in ("anonymous", "n/a", "na", "none", "-"):
            continue
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[name]", text, flags=re.IGNORECASE)
        for part in re.split(r"\s+", name):
            part = part.strip(".,")
            lp = part.lower()
            if len(part) >= 3 and lp not in first_words and lp not in STOP_WORDS:
                text = re.sub(
                    rf"(?<![\w\[]){re.escape(part)}(?![\w\]])", "[name]", text, flags=re.IGNORECASE
                )
    return text


def _scrub_patterns(text: str) -> str:
    """E-mails, mentions, URLs, national ids and phone numbers: the passes before names."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
        text = MENTION.sub("[name]", text)
    if _MAYBE_OBFUSCATED.search(text):
        text = OBFUSCATED_EMAIL.sub("[email]", text)
    if _MAYBE_URL.search(text):
        text = URL.sub("[url]", text)
    if _DIGIT.search(text):
        text = NINO.sub("[id]", text)
        text = SSN.sub("[id]", text)
        text = IBAN.sub(_iban_ok, text)
        text = CARD.sub(_card_ok, text)
        text = _scrub_phones(text)
    return text


def scrub_pii(text: str, names: Iterable[str] = ()) -> str:
    """Replace e-mail addresses, URLs, phone numbers, national ids and names in free text.

    Parameters
    ----------
    text : str
        Untrusted free text.
    names : iterable of str
        Personal names known from the export (e.g. a respondent's name column) to remove.

    Returns
    -------
    str
        The text with ``[email]``, ``[url]``, ``[phone]``, ``[id]`` and ``[name]`` in place
        of what was found. Deterministic; linear in the length of the text.
    """
    if not text:
        return text
    text = _scrub_known_names(_scrub_patterns(text), names)
    return _scrub_names(text)


def _case_classes() -> dict[int, str]:
    """Characters that case-insensitive matching treats alike beyond lower case (ſ and s),
    each mapped to one of its class."""
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:  # another Python: every name is then looked for in full
        return {}
    table: dict[int, str] = {}
    for char, alike in _EXTRA_CASES.items():
        members = {char, *alike}
        for other in alike:
            members.update(_EXTRA_CASES.get(other, ()))
        table[char] = chr(min(members))
    return table


_CASE_CLASSES = _case_classes()


def _case_key(text: str) -> str | None:
    """``text`` such that a case-insensitive match of a name implies a substring of keys."""
    if not _CASE_CLASSES:
        return None
    return text.replace("\u0130", "i").lower().translate(_CASE_CLASSES)


def scrub_pii_many(texts: Iterable[str], names: Iterable[Iterable[str]] | None = None) -> list[str]:
    """``[scrub_pii(t, n) for t, n in zip(texts, names)]``, each distinct text scrubbed once.

    Survey answers repeat ("n/a", "don't know", the same unit names), so each distinct text
    goes through the patterns and the name pass once. A respondent's own ``names`` are looked
    for only in texts where one of their words occurs, whatever the letter case.
    """
    done: dict[str, str] = {}
    if names is None:
        out = []
        for text in texts:
            found = done.get(text)
            if found is None:
                found = done[text] = scrub_pii(text)
            out.append(found)
        return out
    patterned: dict[str, tuple[str, str | None]] = {}
    named: dict[str, str] = {}
    out = []
    for text, own in zip(texts, names, strict=True):
        if not text:
            out.append(text)
            continue
        own = list(own)
        if not own:
            found = done.get(text)
            if found is None:
                found = done[text] = scrub_pii(text)
            out.append(found)
            continue
        cleaned = patterned.get(text)
        if cleaned is None:
            plain = _scrub_patterns(text)
            cleaned = patterned[text] = (plain, _case_key(plain))
        plain, key = cleaned
        if key is None or any(
            word_key in key
            for name in own
            if isinstance(name, str)
            for word in name.split()
            if (word_key := _case_key(word.strip(".,"))) is not None
        ):
            plain = _scrub_known_names(plain, own)
        found = named.get(plain)
        if found is None:
            found = named[plain] = _scrub_names(plain)
        out.append(found)
    return out
