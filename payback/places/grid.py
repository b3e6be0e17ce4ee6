"""British National Grid eastings and northings (OSGB36) to latitude and longitude (WGS84, as the
ONSPD gives them), for postcode data published on the grid only, such as OS Code-Point Open.

The method is Ordnance Survey's: the inverse Transverse Mercator projection on the Airy 1830
ellipsoid, then the seven-parameter Helmert transformation from OSGB36 to WGS84 (good to a few
metres, far finer than a travel estimate needs)."""

from math import atan2, cos, degrees, radians, sin, sqrt, tan

# Airy 1830 and the National Grid's true origin.
AIRY_A, AIRY_B = 6_377_563.396, 6_356_256.909
SCALE = 0.9996012717
LAT0, LON0 = radians(49.0), radians(-2.0)
EAST0, NORTH0 = 400_000.0, -100_000.0
# GRS80 (WGS84).
WGS_A, WGS_B = 6_378_137.000, 6_356_752.3141
# OSGB36 to WGS84: translations (m), scale (ppm) and rotations (arc seconds).
TX, TY, TZ = 446.448, -125.157, 542.060
S_PPM = -20.4894
RX, RY, RZ = 0.1502, 0.2470, 0.8421
ARC_SECOND = radians(1 / 3600)


def _meridional_arc(lat: float) -> float:
    n = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B)
    d, s = lat - LAT0, lat + LAT0
    return (
        AIRY_B
        * SCALE
        * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * d
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * sin(d) * cos(s)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * sin(2 * d) * cos(2 * s)
            - 35 / 24 * n**3 * sin(3 * d) * cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Latitude and longitude (radians) on OSGB36 of a National Grid reference."""
    e2 = 1 - AIRY_B**2 / AIRY_A**2
    lat = (northing - NORTH0) / (AIRY_A * SCALE) + LAT0
    while abs(northing - NORTH0 - _meridional_arc(lat)) >= 0.00001:
        lat += (northing - NORTH0 - _meridional_arc(lat)) / (AIRY_A * SCALE)
    nu = AIRY_A * SCALE / sqrt(1 - e2 * sin(lat) ** 2)
    rho = AIRY_A * SCALE * (1 - e2) / (1 - e2 * sin(lat) ** 2) ** 1.5
    eta2 = nu / rho - 1
    t, sec = tan(lat), 1 / cos(lat)
    vii = t / (2 * rho * nu)
    viii = t / (24 * rho * nu**3) * (5 + 3 * t**2 + eta2 - 9 * t**2 * eta2)
    ix = t / (720 * rho * nu**5) * (61 + 90 * t**2 + 45 * t**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * t**2)
    xii = sec / (120 * nu**5) * (5 + 28 * t**2 + 24 * t**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * t**2 + 1320 * t**4 + 720 * t**6)
    de = easting - EAST0
    return (
        lat - vii * de**2 + viii * de**4 - ix * de**6,
        LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7,
    )


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - b**2 / a**2
    nu = a / sqrt(1 - e2 * sin(lat) ** 2)
    return (nu * cos(lat) * cos(lon), nu * cos(lat) * sin(lon), (1 - e2) * nu * sin(lat))


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - b**2 / a**2
    p = sqrt(x**2 + y**2)
    lat = atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / sqrt(1 - e2 * sin(lat) ** 2)
        lat = atan2(z + e2 * nu * sin(lat), p)
    return lat, atan2(y, x)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees on WGS84, to 6 places, of a National Grid reference."""
    lat, lon = grid_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lat, lon, AIRY_A, AIRY_B)
    s = 1 + S_PPM / 1e6
    rx, ry, rz = RX * ARC_SECOND, RY * ARC_SECOND, RZ * ARC_SECOND
    x2 = TX + s * x - rz * y + ry * z
    y2 = TY + rz * x + s * y - rx * z
    z2 = TZ - ry * x + rx * y + s * z
    lat2, lon2 = _from_cartesian(x2, y2, z2, WGS_A, WGS_B)
    return (round(degrees(lat2), 6), round(degrees(lon2), 6))
