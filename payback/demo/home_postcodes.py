"""Real places for the demo: each PDU's people and project sites get postcodes from the extract of
the postcode directory shipped with the service (payback/places/data/onspd_extract.csv, real
postcodes with their real places: see its README), near the postcode that anchors the PDU (the
middle of its main town). The extract is loaded into the postcode table when the demo is seeded,
so the allocation plan's travel estimates are between real places."""

from dataclasses import dataclass
from functools import cache
from math import asin, cos, radians, sin, sqrt

from payback.demo.common import DemoDataError, Progress, Stream
from payback.places.onspd import Reading, open_text, read_rows
from payback.places.services import EXTRACT, postcodes_import

# People and projects are placed within this distance of their PDU's anchor.
RADIUS_KM = 5.0

# Each PDU's anchor: the postcode nearest the middle of the busiest square kilometre of its main
# town's local authority (made by payback/demo/postcode_extract.py with the extract).
PDU_ANCHORS = {
    "NE01": "DL15 8NE",  # County Durham and Darlington
    "NE02": "NE8 1LR",  # Gateshead and South Tyneside
    "NE03": "NE1 4BX",  # Newcastle upon Tyne
    "NE04": "NE30 1QQ",  # North Tyneside and Northumberland
    "NE05": "TS1 1HU",  # Redcar, Cleveland and Middlesbrough
    "NE06": "TS18 2BU",  # Stockton and Hartlepool
    "NE07": "SR2 7AQ",  # Sunderland
    "NW01": "BB1 6LF",  # Blackburn
    "NW02": "FY1 3NE",  # Blackpool
    "NW03": "PR1 3BY",  # Central Lancashire
    "NW04": "CA3 9LW",  # Cumbria
    "NW05": "BB11 1RN",  # East Lancashire
    "NW06": "L36 5UU",  # Knowsley and St Helens
    "NW07": "L1 6BG",  # Liverpool North
    "NW08": "L1 6BG",  # Liverpool South
    "NW09": "LA1 1LA",  # North West Lancashire
    "NW10": "L20 3JD",  # Sefton
    "NW11": "WA5 1TQ",  # Warrington and Halton
    "NW12": "CH44 0BS",  # Wirral
    "NW13": "CW12 2FP",  # Cheshire East
    "NW14": "CH3 5ET",  # Cheshire West
    "YH01": "BD1 4AF",  # Bradford and Calderdale
    "YH02": "DN1 1LE",  # Doncaster
    "YH03": "HU1 2PS",  # Hull
    "YH04": "HD1 2QF",  # Kirklees
    "YH05": "LS2 7HW",  # Leeds
    "YH06": "DN31 2PW",  # North Lincolnshire and North East Lincolnshire
    "YH07": "HG1 5BG",  # North Yorkshire
    "YH08": "S65 1PS",  # Rotherham
    "YH09": "S1 2EQ",  # Sheffield
    "YH10": "WF1 1PG",  # Wakefield
    "YH11": "YO1 9WD",  # York
    "YH12": "YO42 2JD",  # East Riding
    "YH13": "S70 2AT",  # Barnsley
    "GM01": "BL1 3NS",  # Bolton
    "GM02": "M25 1NF",  # Bury and Rochdale
    "GM03": "M4 1NB",  # Manchester North
    "GM04": "M4 1NB",  # Manchester South
    "GM05": "OL1 2AR",  # Oldham
    "GM06": "M3 5LH",  # Salford
    "GM07": "SK1 1QF",  # Stockport and Trafford
    "GM08": "OL7 0NN",  # Tameside
    "GM09": "WN1 1YE",  # Wigan
    "EM01": "DE1 2RD",  # Derby City
    "EM02": "S40 4DR",  # Derbyshire
    "EM03": "LE1 5FQ",  # Leicester
    "EM04": "LE11 3DY",  # Leicestershire and Rutland
    "EM05": "LN5 8EF",  # Lincolnshire
    "EM06": "NN2 6AE",  # Northamptonshire
    "EM07": "NG1 7HB",  # Nottingham City
    "EM08": "NG18 1TD",  # Nottinghamshire
    "WM01": "B6 4PJ",  # Birmingham Central and South
    "WM02": "B91 3BQ",  # Birmingham North, East and Solihull
    "WM03": "CV3 3HS",  # Coventry
    "WM04": "DY1 1AF",  # Dudley and Sandwell
    "WM05": "TF3 3BN",  # Herefordshire, Shropshire and Telford
    "WM06": "ST1 3JP",  # Staffordshire North
    "WM07": "WS11 1JZ",  # Staffordshire South
    "WM08": "WV1 3HQ",  # Walsall and Wolverhampton
    "WM09": "CV11 4XS",  # Warwickshire
    "WM10": "WR3 8LX",  # Worcestershire
    "EE01": "LU1 1AR",  # Bedfordshire
    "EE02": "CB1 3LZ",  # Cambridgeshire
    "EE03": "CO1 1EZ",  # Essex North
    "EE04": "SS14 1BX",  # Essex South
    "EE05": "AL3 4DH",  # Hertfordshire
    "EE06": "NR1 1BY",  # Norfolk
    "EE07": "PE4 6ZH",  # Peterborough
    "EE08": "IP4 1ED",  # Suffolk
    "WA01": "CF10 2DS",  # Cardiff and the Vale
    "WA02": "CF44 7EF",  # Cwm Taf Morgannwg
    "WA03": "SA31 1HE",  # Dyfed-Powys
    "WA04": "NP19 0AH",  # Gwent
    "WA05": "LL11 0ZY",  # North Wales
    "WA06": "SA1 5DZ",  # Swansea, Neath and Port Talbot
    "SW01": "BA2 4JN",  # Bath, North East Somerset and Wiltshire
    "SW02": "BS2 8DS",  # Bristol and South Gloucestershire
    "SW03": "PL31 1DS",  # Cornwall and Isles of Scilly
    "SW04": "EX1 1QR",  # Devon and Torbay
    "SW05": "BH1 1SB",  # Dorset
    "SW06": "GL1 1AR",  # Gloucestershire
    "SW07": "PL1 2SN",  # Plymouth
    "SW08": "TA4 4SW",  # Somerset
    "SC01": "MK3 7WE",  # Buckinghamshire and Milton Keynes
    "SC02": "RG21 5UH",  # Hampshire North and East
    "SC03": "PO16 7SL",  # Hampshire South and Isle of Wight
    "SC04": "OX1 3BQ",  # Oxfordshire
    "SC05": "PO1 1JN",  # Portsmouth
    "SC06": "SO14 1ZA",  # Southampton
    "SC07": "RG1 1SY",  # West Berkshire, Reading and Wokingham
    "SC08": "SL1 1NU",  # East Berkshire
    "KSS01": "BN2 9AL",  # Brighton and East Sussex
    "KSS02": "CT1 1BS",  # East Kent
    "KSS03": "ME7 1EW",  # North Kent and Medway
    "KSS04": "GU1 3EG",  # Surrey
    "KSS05": "ME15 6EG",  # West Kent
    "KSS06": "RH11 7DA",  # West Sussex
    "LON01": "IG11 7RS",  # Barking, Dagenham and Havering
    "LON02": "NW9 5GF",  # Barnet, Enfield and Haringey
    "LON03": "NW10 4LX",  # Brent
    "LON04": "NW1 2FB",  # Camden and Islington
    "LON05": "CR0 1YL",  # Croydon
    "LON06": "W13 0TU",  # Ealing and Hillingdon
    "LON07": "SE18 7LT",  # Greenwich and Bexley
    "LON08": "E2 8BN",  # Hackney and City
    "LON09": "W1G 8HP",  # Hammersmith, Fulham, Kensington, Chelsea and Westminster
    "LON10": "SW4 6BG",  # Lambeth
    "LON11": "SE23 2NW",  # Lewisham and Bromley
    "LON12": "E16 1PH",  # Newham
    "LON13": "IG1 3AD",  # Redbridge and Waltham Forest
    "LON14": "SE1 5XF",  # Southwark
    "LON15": "E1 1HX",  # Tower Hamlets
    "LON16": "SW11 7DE",  # Wandsworth, Merton, Kingston, Richmond and Sutton
    "LON17": "TW3 3LZ",  # Hounslow
    "LON18": "HA1 1JN",  # Harrow
}


@dataclass(frozen=True)
class DemoPlace:
    postcode: str
    latitude: float
    longitude: float


def _km(a: DemoPlace, b: DemoPlace) -> float:
    la1, lo1, la2, lo2 = map(radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * asin(sqrt(h))


@cache
def extract_places() -> dict[str, DemoPlace]:
    """Every postcode in the extract, by postcode."""
    with open_text(EXTRACT) as (text, size):
        return {
            row.postcode: DemoPlace(row.postcode, float(row.latitude), float(row.longitude))
            for row in read_rows(text, Reading(total=size))
        }


@cache
def pdu_places(pdu_code: str) -> tuple[DemoPlace, ...]:
    """The extract's postcodes within RADIUS_KM of the PDU's anchor, in postcode order."""
    places = extract_places()
    anchor = places.get(PDU_ANCHORS.get(pdu_code, ""))
    if anchor is None:
        raise DemoDataError(f"PDU {pdu_code} has no anchor postcode in the extract: add it to PDU_ANCHORS")
    return tuple(p for _, p in sorted(places.items()) if _km(p, anchor) <= RADIUS_KM)


def load_demo_postcodes(out: Stream | None) -> int:
    """The extract in the postcode table (added or updated: seeding twice changes nothing)."""
    progress = Progress("Postcodes", len(extract_places()), "postcodes", out)

    def advance(_done: int, _total: int, postcodes: int) -> None:
        progress.advance(postcodes - progress.done)

    result = postcodes_import(EXTRACT, progress=advance, batch_size=1_000)
    progress.finish()
    return result.imported
