"""Courts and towns of the demo regions (their postcodes are in home_postcodes)."""


def _courts(table: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Read rows of "PDU | court | towns, comma separated" into {PDU: (court, towns)}."""
    rows = (line.split(" | ") for line in table.strip().splitlines())
    return {pdu: (court, tuple(towns.split(", "))) for pdu, court, towns in rows}


# Each PDU: the court its orders come from, and the towns its people live in.
COURTS = _courts(
    """
County Durham and Darlington | Durham | Durham, Darlington, Peterlee
Gateshead and South Tyneside | Newcastle | Gateshead, South Tyneside
Newcastle upon Tyne | Newcastle | Newcastle
North Tyneside and Northumberland | Newcastle | North Tyneside, Bedlington, Berwick
Redcar, Cleveland and Middlesbrough | Teesside | Teesside
Stockton and Hartlepool | Teesside | Teesside, Hartlepool
Sunderland | Newcastle | Sunderland
Blackburn | Preston | Blackburn
Blackpool | Preston | Blackpool
Central Lancashire | Preston | Preston, Chorley
Cumbria | Carlisle | Carlisle, Workington, Barrow-in-Furness
East Lancashire | Burnley | Burnley
Knowsley and St Helens | Liverpool | Knowsley, St Helens
Liverpool North | Liverpool | Liverpool
Liverpool South | Liverpool | Liverpool
North West Lancashire | Lancaster | Lancaster
Sefton | Liverpool | Sefton
Warrington and Halton | Warrington | Warrington, Halton
Wirral | Liverpool | Wirral
Cheshire East | Chester | Crewe, Macclesfield
Cheshire West | Chester | Chester
Bradford and Calderdale | Bradford | Bradford, Calderdale
Doncaster | Doncaster | Doncaster
Hull | Hull | Hull
Kirklees | Leeds | Kirklees
Leeds | Leeds | Leeds
North Lincolnshire and North East Lincolnshire | Grimsby | Grimsby, Scunthorpe
North Yorkshire | York | Harrogate, Scarborough, Northallerton
Rotherham | Sheffield | Rotherham
Sheffield | Sheffield | Sheffield
Wakefield | Leeds | Wakefield
York | York | York
East Riding | Hull | Beverley, Bridlington
Barnsley | Sheffield | Barnsley
Bolton | Bolton | Bolton
Bury and Rochdale | Manchester | Bury, Rochdale
Manchester North | Manchester | Manchester
Manchester South | Manchester | Manchester
Oldham | Manchester | Oldham
Salford | Manchester | Salford
Stockport and Trafford | Manchester | Stockport, Trafford
Tameside | Manchester | Tameside
Wigan | Bolton | Wigan
Derby City | Derby | Derby
Derbyshire | Derby | Chesterfield, Buxton
Leicester | Leicester | Leicester
Leicestershire and Rutland | Leicester | Loughborough, Market Harborough
Lincolnshire | Lincoln | Lincoln, Boston, Grantham, Skegness
Northamptonshire | Northampton | Northampton, Corby, Wellingborough
Nottingham City | Nottingham | Nottingham
Nottinghamshire | Nottingham | Mansfield, Worksop, Newark
Birmingham Central and South | Birmingham | Birmingham
Birmingham North, East and Solihull | Birmingham | Birmingham, Solihull
Coventry | Coventry | Coventry
Dudley and Sandwell | Wolverhampton | Dudley, Sandwell
Herefordshire, Shropshire and Telford | Shrewsbury | Hereford, Shrewsbury, Telford
Staffordshire North | Stoke-on-Trent | North Staffordshire
Staffordshire South | Stafford | Cannock, South East Staffordshire
Walsall and Wolverhampton | Wolverhampton | Walsall, Wolverhampton
Warwickshire | Warwick | Leamington Spa, Nuneaton
Worcestershire | Worcester | Worcester, Kidderminster, Redditch
Bedfordshire | Luton | Luton, Bedford
Cambridgeshire | Cambridge | Cambridge, Huntingdon
Essex North | Chelmsford | Colchester, Chelmsford
Essex South | Basildon | Basildon, Southend
Hertfordshire | St Albans | St Albans, Stevenage, Hatfield
Norfolk | Norwich | Norwich, King's Lynn, Great Yarmouth
Peterborough | Peterborough | Peterborough
Suffolk | Ipswich | Ipswich, Bury St Edmunds, Lowestoft
Cardiff and the Vale | Cardiff | Cardiff, Vale of Glamorgan
Cwm Taf Morgannwg | Merthyr Tydfil | Merthyr Tydfil, Pontypridd, Bridgend
Dyfed-Powys | Swansea | Llanelli, Aberystwyth, Haverfordwest
Gwent | Newport | Newport, Cwmbran
North Wales | Mold | Llandudno, Mold, Wrexham, Caernarfon
Swansea, Neath and Port Talbot | Swansea | Swansea, Neath Port Talbot
Bath, North East Somerset and Wiltshire | Salisbury | Bath, Swindon, Chippenham
Bristol and South Gloucestershire | Bristol | Bristol
Cornwall and Isles of Scilly | Truro | Truro, Bodmin
Devon and Torbay | Exeter | Exeter, Torquay, Barnstaple
Dorset | Bournemouth | Bournemouth, Weymouth, Poole
Gloucestershire | Gloucester | Cheltenham, Gloucester
Plymouth | Plymouth | Plymouth
Somerset | Taunton | Taunton, Yeovil
Buckinghamshire and Milton Keynes | Aylesbury | Milton Keynes, High Wycombe, Aylesbury
Hampshire North and East | Winchester | Basingstoke, Aldershot
Hampshire South and Isle of Wight | Southampton | Fareham, Isle of Wight
Oxfordshire | Oxford | Oxford, Banbury
Portsmouth | Portsmouth | Portsmouth
Southampton | Southampton | Southampton
West Berkshire, Reading and Wokingham | Reading | Reading, Newbury
East Berkshire | Reading | Slough, Maidenhead
Brighton and East Sussex | Lewes | Brighton, Hastings, Eastbourne
East Kent | Canterbury | Canterbury, Margate, Folkestone
North Kent and Medway | Maidstone | Medway, Dartford
Surrey | Guildford | Guildford, Staines, Redhill
West Kent | Maidstone | Maidstone, Sevenoaks
West Sussex | Chichester | Worthing, Crawley
Barking, Dagenham and Havering | Snaresbrook | Barkingside, Romford
Barnet, Enfield and Haringey | Wood Green | Hendon, Highbury Corner
Brent | Harrow | Willesden
Camden and Islington | Blackfriars | Highbury Corner
Croydon | Croydon | Croydon
Ealing and Hillingdon | Isleworth | Ealing, Uxbridge
Greenwich and Bexley | Woolwich | Bexley
Hackney and City | Snaresbrook | Thames, City of London
Hammersmith, Fulham, Kensington, Chelsea and Westminster | Southwark | Westminster
Lambeth | Inner London | Camberwell Green
Lewisham and Bromley | Woolwich | Bromley
Newham | Snaresbrook | Stratford
Redbridge and Waltham Forest | Snaresbrook | Barkingside, Stratford
Southwark | Inner London | Camberwell Green
Tower Hamlets | Snaresbrook | Thames
Wandsworth, Merton, Kingston, Richmond and Sutton | Kingston | Wimbledon, Lavender Hill
Hounslow | Isleworth | Feltham
Harrow | Harrow | Willesden
"""
)
# Towns for addresses where the court's name is not one.
ADDRESS_TOWN = {
    "Newcastle": "Newcastle upon Tyne",
    "Teesside": "Middlesbrough",
    "North Tyneside": "North Shields",
    "South Tyneside": "South Shields",
    "Calderdale": "Halifax",
    "Kirklees": "Huddersfield",
    "Sefton": "Bootle",
    "Wirral": "Birkenhead",
    "Knowsley": "Huyton",
    "Halton": "Runcorn",
    "Tameside": "Ashton-under-Lyne",
    "Trafford": "Sale",
    "Sandwell": "West Bromwich",
    "North Staffordshire": "Stoke-on-Trent",
    "South East Staffordshire": "Burton upon Trent",
    "Vale of Glamorgan": "Barry",
    "Neath Port Talbot": "Neath",
    "Isle of Wight": "Newport, Isle of Wight",
    "Medway": "Chatham",
}
STREET_KINDS = ("Road", "Street", "Avenue", "Close", "Terrace", "Way", "Gardens", "Crescent", "Drive", "Lane", "Grove")
CRN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
