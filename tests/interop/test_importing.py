"""The import parsers read messy spreadsheet values and say precisely what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from command_center.domain.calendar import CST
from command_center.domain.catalogue import Catalogue
from command_center.interop.importing import (
    InvalidValue,
    parse_category,
    parse_datetime,
    parse_lonlat,
)

TEN_CST = datetime(2026, 3, 5, 10, 0, tzinfo=CST)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-05T10:00:00+08:00",
        "2026-03-05T02:00:00Z",
        "2026-03-05T03:00:00+01:00",
        "2026-03-05T10:00:00",  # naive: China time
        "2026-03-05 10:00",
        "2026-03-05 10:00:00",
        " 2026/03/05 10:00 ",
        "2026/3/5 10:00",
        str(int(TEN_CST.timestamp())),
    ],
)
def test_dates_in_many_shapes_are_the_same_moment(text):
    value = parse_datetime(text)
    assert value == TEN_CST
    assert value.utcoffset() == CST.utcoffset(None)


def test_epoch_seconds_are_utc_instants():
    assert parse_datetime("1772676000.5") == datetime.fromtimestamp(1772676000.5, UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2026", "unrecognised date '31/02/2026'"),
        ("yesterday", "unrecognised date 'yesterday'"),
        ("", "missing date"),
        (None, "missing date"),
        ("2026-02-31 10:00", "impossible date '2026-02-31 10:00'"),
        ("1850-01-01 00:00", "not between 1990 and 2100"),
        ("99999999999", "not between 1990 and 2100"),
    ],
)
def test_bad_dates_say_why(text, reason):
    with pytest.raises(InvalidValue) as err:
        parse_datetime(text)
    assert reason in str(err.value)


def test_coordinates_in_china():
    assert parse_lonlat("120.45", " 41.57 ") == (120.45, 41.57)
    assert parse_lonlat(120.45, 41.57) == (120.45, 41.57)


@pytest.mark.parametrize(
    ("lon", "lat", "reason"),
    [
        ("", "", "missing coordinates"),
        (None, None, "missing coordinates"),
        ("120.4", "", "missing latitude"),
        ("东经120", "41.5", "longitude '东经120' is not a number"),
        ("nan", "41.5", "longitude 'nan' is not a number"),
        ("200", "41.5", "longitude 200.0 is out of range"),
        (
            "41.5",
            "120.4",
            "latitude 120.4 is out of range (-90..90) (longitude and latitude swapped?)",
        ),
        ("2.35", "48.85", "outside China"),
        ("0", "0", "outside China"),
    ],
)
def test_bad_coordinates_say_why(lon, lat, reason):
    with pytest.raises(InvalidValue) as err:
        parse_lonlat(lon, lat)
    assert reason in str(err.value)


def test_categories_from_the_catalogue():
    catalogue = Catalogue.default()
    assert parse_category(" 0101 ", catalogue).code == "0101"
    with pytest.raises(InvalidValue, match="unknown category '999'"):
        parse_category("999", catalogue)
    with pytest.raises(InvalidValue, match="missing category"):
        parse_category("", catalogue)
