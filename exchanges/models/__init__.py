from ..partial_dates import DatePrecision
from . import history  # noqa: F401  (receivers)
from .base import AmountUnit, Currency
from .firms import Firm, FirmKind, FirmPartner, PartnershipKind, SalesRoute
from .indicators import Indicator, IndicatorQualifier, IndicatorSubject
from .missions import Mission, MissionKind, MissionStatus
from .offices import OfficeKind, OfficeRole, OfficeRoleKind, OfficeStatus, OverseasOffice
from .people import Participation, ParticipationRole, Person
from .regions import CoordinatesBasis, Region, RegionLevel, RegionOrigin
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
    "FirmPartner",
    "Indicator",
    "IndicatorQualifier",
    "IndicatorSubject",
    "Mission",
    "MissionKind",
    "MissionStatus",
    "OfficeKind",
    "OfficeRole",
    "OfficeRoleKind",
    "OfficeStatus",
    "OverseasOffice",
    "Participation",
    "PartnershipKind",
    "ParticipationRole",
    "Person",
    "Region",
    "RegionLevel",
    "RegionOrigin",
    "SalesRoute",
    "SisterTie",
    "Source",
    "SourceKind",
    "SourceLanguage",
    "TieStatus",
    "TieType",
]
