"""Build the demo's extract of real postcodes (payback/places/data/onspd_extract.csv, in the
ONSPD's column layout) from OS Code-Point Open and the ONS local authority centroids, and print
the postcode each PDU's people and projects are placed around (PDU_ANCHORS in
payback/demo/home_postcodes.py). See payback/places/data/README.md for the sources and licence.

    python -m payback.demo.postcode_extract codepo_gb.zip lad_centroids_May2021.psv OUT.csv

For each PDU: the local authority of its main town (PDU_AUTHORITY below), the busiest square
kilometre of postcodes within 12 km of that authority's centroid (its town centre), and up to
PER_PDU postcodes within RADIUS_KM of the postcode nearest the middle of that square, chosen by a
hash of the postcode so that the extract is the same each time it is built."""

import csv
import hashlib
import io
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

from payback.places.grid import grid_to_wgs84
from payback.staff.regions import REGIONS

PER_PDU = 60
RADIUS_KM = 5.0
SEARCH_KM = 12.0
COLUMNS = (
    "pcd",
    "pcd2",
    "pcds",
    "dointr",
    "doterm",
    "oseast1m",
    "osnrth1m",
    "osgrdind",
    "oslaua",
    "ctry",
    "lat",
    "long",
)


@dataclass(frozen=True)
class Entry:
    postcode: str
    easting: int
    northing: int
    quality: str
    district: str
    country: str
    lat: float
    lon: float


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(radians, (*a, *b))
    h = sin((la2 - la1) / 2) ** 2 + cos(la1) * cos(la2) * sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * asin(sqrt(h))


def code_point(path: str) -> Iterator[Entry]:
    """Every postcode with a grid reference in Code-Point Open (quality 90 has none)."""
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("Data/CSV/") and n.endswith(".csv")):
            with archive.open(name) as raw:
                for row in csv.reader(io.TextIOWrapper(raw, encoding="utf-8")):
                    postcode, quality, east, north, country = row[0], row[1], int(row[2]), int(row[3]), row[4]
                    if quality == "90" or not east or not north:
                        continue
                    lat, lon = grid_to_wgs84(east, north)
                    yield Entry(postcode, east, north, quality, row[8], country, lat, lon)


def anchor(entries: list[Entry], centre: tuple[float, float], district: str) -> Entry:
    """The postcode nearest the middle of the busiest square kilometre near `centre`, in the
    local authority `district` where Code-Point still has that code."""
    near = [e for e in entries if abs(e.lat - centre[0]) < 0.2 and abs(e.lon - centre[1]) < 0.3]
    near = [e for e in near if km((e.lat, e.lon), centre) <= SEARCH_KM]
    near = [e for e in near if e.district == district] or near
    cells = Counter((e.easting // 1000, e.northing // 1000) for e in near)
    cell = max(cells, key=lambda c: (cells[c], c))
    middle = (cell[0] * 1000 + 500, cell[1] * 1000 + 500)
    return min(near, key=lambda e: ((e.easting - middle[0]) ** 2 + (e.northing - middle[1]) ** 2, e.postcode))


def around(entries: list[Entry], where: Entry) -> list[Entry]:
    near = [e for e in entries if abs(e.lat - where.lat) < 0.1 and abs(e.lon - where.lon) < 0.15]
    near = [e for e in near if km((e.lat, e.lon), (where.lat, where.lon)) <= RADIUS_KM and e != where]
    near.sort(key=lambda e: hashlib.sha256(e.postcode.encode()).hexdigest())
    return [where, *near[: PER_PDU - 1]]


def onspd_row(e: Entry) -> list[str]:
    outward, inward = e.postcode.replace(" ", "")[:-3], e.postcode.replace(" ", "")[-3:]
    return [
        f"{outward:<4}{inward}"[:7] if len(outward) < 4 else f"{outward}{inward}",
        f"{outward:<5}{inward}",
        f"{outward} {inward}",
        "",
        "",
        str(e.easting),
        str(e.northing),
        "1",
        e.district,
        e.country,
        f"{e.lat:.6f}",
        f"{e.lon:.6f}",
    ]


def main(codepoint: str, centroids: str, out: str) -> None:
    authority = dict(line.split("|") for line in PDU_AUTHORITY.strip().splitlines())
    centre: dict[str, tuple[float, float, str]] = {}
    with open(centroids, encoding="utf-8") as lines:
        for line in lines:
            code, name, east, north = line.strip().split("|")
            centre[name] = (float(north), float(east), code)
    entries = list(code_point(codepoint))
    chosen: dict[str, Entry] = {}
    anchors = {}
    for region, (_name, pdus) in REGIONS.items():
        for index, pdu in enumerate(pdus, start=1):
            middle_lat, middle_lon, code = centre[authority[pdu]]
            middle = anchor(entries, (middle_lat, middle_lon), code)
            anchors[f"{region}{index:02d}"] = (middle.postcode, pdu)
            for e in around(entries, middle):
                chosen[e.postcode] = e
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for postcode in sorted(chosen):
            writer.writerow(onspd_row(chosen[postcode]))
    for code, (postcode, pdu) in anchors.items():
        print(f'    "{code}": "{postcode}",  # {pdu}')


# Each PDU's main town's local authority (ONS names, May 2021).
PDU_AUTHORITY = """
County Durham and Darlington|County Durham
Gateshead and South Tyneside|Gateshead
Newcastle upon Tyne|Newcastle upon Tyne
North Tyneside and Northumberland|North Tyneside
Redcar, Cleveland and Middlesbrough|Middlesbrough
Stockton and Hartlepool|Stockton-on-Tees
Sunderland|Sunderland
Blackburn|Blackburn with Darwen
Blackpool|Blackpool
Central Lancashire|Preston
Cumbria|Carlisle
East Lancashire|Burnley
Knowsley and St Helens|Knowsley
Liverpool North|Liverpool
Liverpool South|Liverpool
North West Lancashire|Lancaster
Sefton|Sefton
Warrington and Halton|Warrington
Wirral|Wirral
Cheshire East|Cheshire East
Cheshire West|Cheshire West and Chester
Bradford and Calderdale|Bradford
Doncaster|Doncaster
Hull|Kingston upon Hull, City of
Kirklees|Kirklees
Leeds|Leeds
North Lincolnshire and North East Lincolnshire|North East Lincolnshire
North Yorkshire|Harrogate
Rotherham|Rotherham
Sheffield|Sheffield
Wakefield|Wakefield
York|York
East Riding|East Riding of Yorkshire
Barnsley|Barnsley
Bolton|Bolton
Bury and Rochdale|Bury
Manchester North|Manchester
Manchester South|Manchester
Oldham|Oldham
Salford|Salford
Stockport and Trafford|Stockport
Tameside|Tameside
Wigan|Wigan
Derby City|Derby
Derbyshire|Chesterfield
Leicester|Leicester
Leicestershire and Rutland|Charnwood
Lincolnshire|Lincoln
Northamptonshire|West Northamptonshire
Nottingham City|Nottingham
Nottinghamshire|Mansfield
Birmingham Central and South|Birmingham
Birmingham North, East and Solihull|Solihull
Coventry|Coventry
Dudley and Sandwell|Dudley
Herefordshire, Shropshire and Telford|Telford and Wrekin
Staffordshire North|Stoke-on-Trent
Staffordshire South|Cannock Chase
Walsall and Wolverhampton|Wolverhampton
Warwickshire|Nuneaton and Bedworth
Worcestershire|Worcester
Bedfordshire|Luton
Cambridgeshire|Cambridge
Essex North|Colchester
Essex South|Basildon
Hertfordshire|St Albans
Norfolk|Norwich
Peterborough|Peterborough
Suffolk|Ipswich
Cardiff and the Vale|Cardiff
Cwm Taf Morgannwg|Rhondda Cynon Taf
Dyfed-Powys|Carmarthenshire
Gwent|Newport
North Wales|Wrexham
Swansea, Neath and Port Talbot|Swansea
Bath, North East Somerset and Wiltshire|Bath and North East Somerset
Bristol and South Gloucestershire|Bristol, City of
Cornwall and Isles of Scilly|Cornwall
Devon and Torbay|Exeter
Dorset|Bournemouth, Christchurch and Poole
Gloucestershire|Gloucester
Plymouth|Plymouth
Somerset|Somerset West and Taunton
Buckinghamshire and Milton Keynes|Milton Keynes
Hampshire North and East|Basingstoke and Deane
Hampshire South and Isle of Wight|Fareham
Oxfordshire|Oxford
Portsmouth|Portsmouth
Southampton|Southampton
West Berkshire, Reading and Wokingham|Reading
East Berkshire|Slough
Brighton and East Sussex|Brighton and Hove
East Kent|Canterbury
North Kent and Medway|Medway
Surrey|Guildford
West Kent|Maidstone
West Sussex|Crawley
Barking, Dagenham and Havering|Barking and Dagenham
Barnet, Enfield and Haringey|Barnet
Brent|Brent
Camden and Islington|Camden
Croydon|Croydon
Ealing and Hillingdon|Ealing
Greenwich and Bexley|Greenwich
Hackney and City|Hackney
Hammersmith, Fulham, Kensington, Chelsea and Westminster|Westminster
Lambeth|Lambeth
Lewisham and Bromley|Lewisham
Newham|Newham
Redbridge and Waltham Forest|Redbridge
Southwark|Southwark
Tower Hamlets|Tower Hamlets
Wandsworth, Merton, Kingston, Richmond and Sutton|Wandsworth
Hounslow|Hounslow
Harrow|Harrow
"""

if __name__ == "__main__":
    main(*sys.argv[1:4])
