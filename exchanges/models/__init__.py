from ..partial_dates import DatePrecision
from . import history  # noqa: F401  (receivers)
from .base import AmountUnit, Currency
from .firms import Firm, FirmKind, SalesRoute
from .indicators import Indicator, IndicatorQualifier, IndicatorSubject
from .missions import Mission, MissionKind, MissionStatus
from .offices import OfficeKind, OfficeStatus, OverseasOffice
from .people import Participation, ParticipationRole, Person
from .regions import CoordinatesBasis, Region, RegionLevel
from .sources import Citation, Source, SourceKind, SourceLanguage
from .ties import ExchangeArea, SisterTie, TieStatus, TieType

__all__ = [
    "AmountUnit",
    "Citation",
    "CoordinatesBasis",
    "Currency",
    "DatePrecision",
    "ExchangeArea",
    "Firm",
    "FirmKind",
    "Indicator",
    "IndicatorQualifier",
    "IndicatorSubject",
    "Mission",
    "MissionKind",
    "MissionStatus",
    "OfficeKind",
    "OfficeStatus",
    "OverseasOffice",
    "Participation",
    "ParticipationRole",
    "Person",
    "Region",
    "RegionLevel",
    "SalesRoute",
    "SisterTie",
    "Source",
    "SourceKind",
    "SourceLanguage",
    "TieStatus",
    "TieType",
]
