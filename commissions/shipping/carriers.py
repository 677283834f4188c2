"""The carriers a maker can pick when shipping, and where a buyer follows a parcel.

A tracking link is built only for a carrier we know, from a number that looks like a
tracking number (letters, digits, spaces and dashes), so a link in an email can never
point anywhere else.
"""

import re
from urllib.parse import quote

# code: (name, tracking page with {number}); "" means no public tracking page.
CARRIERS: dict[str, tuple[str, str]] = {
    "dhl": ("DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={number}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
    "royalmail": (
        "Royal Mail",
        "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    ),
    "laposte": (
        "La Poste / Colissimo",
        "https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
    ),
    "postnl": ("PostNL", "https://jouw.postnl.nl/track-and-trace/{number}"),
    "dpd": ("DPD", "https://tracking.dpd.de/parcelstatus?query={number}"),
    "gls": ("GLS", "https://gls-group.com/track/{number}"),
    "deutschepost": (
        "Deutsche Post",
        "https://www.deutschepost.de/sendung/simpleQuery.html?form.sendungsnummer={number}",
    ),
    "other": ("Another carrier", ""),
}

CHOICES = [(code, name) for code, (name, _) in CARRIERS.items()]
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{3,39}$")


def carrier_name(code: str) -> str:
    return CARRIERS.get(code, ("", ""))[0]


def tracking_url(code: str, number: str) -> str:
    """The carrier's tracking page for this number, or "" when there is none."""
    template = CARRIERS.get(code, ("", ""))[1]
    number = (number or "").strip()
    if not template or not TRACKING_NUMBER.match(number):
        return ""
    return template.format(number=quote(number.replace(" ", ""), safe=""))
