"""The registry's models, one module per concept; import them from here."""

from .areas import AccessStamp, AreaQuerySet, Desa, Kecamatan, RegionAlias, User, area_queryset
from .assessments import (
    Assessment,
    Condition,
    Helper,
    IndicatorScore,
    KutimLabel,
    Predicate,
    RubricCondition,
    RubricFrozen,
    RubricIndicator,
    RubricVersion,
)
from .audit import MemberErasure, NikKeyCheck, NikReveal, NikSearch
from .cooperatives import Cooperative, CooperativeStatus, StatusChange
from .findings import Finding
from .imports import ExportLog, ImportBatch, ImportedRow, ImportKind, PendingImport
from .office import OfficeSettings
from .operations import Lease, WorkerHeartbeat
from .partnerships import KecamatanNeighbour, OutsideParty, Partnership
from .people import BoardMember, BoardMemberQuerySet, Member, Sex
from .portal import BOARD_ROLE, ChangeRequest, CooperativeAccount, Submission, SubmissionDocument
from .reports import MAX_YEAR, MIN_YEAR, YearlyReport
from .summary import AttentionCase, KecamatanSummary, SummaryCell, SummaryRefresh
from .time_rules import last_full_year
from .trainings import Training, TrainingParticipant

__all__ = [
    "AccessStamp",
    "AreaQuerySet",
    "Assessment",
    "Condition",
    "Helper",
    "IndicatorScore",
    "KutimLabel",
    "Predicate",
    "RubricCondition",
    "RubricFrozen",
    "RubricIndicator",
    "RubricVersion",
    "BOARD_ROLE",
    "BoardMember",
    "ChangeRequest",
    "CooperativeAccount",
    "BoardMemberQuerySet",
    "Cooperative",
    "CooperativeStatus",
    "Desa",
    "Kecamatan",
    "Member",
    "MemberErasure",
    "NikKeyCheck",
    "NikReveal",
    "NikSearch",
    "OfficeSettings",
    "MAX_YEAR",
    "MIN_YEAR",
    "RegionAlias",
    "Sex",
    "StatusChange",
    "Submission",
    "SubmissionDocument",
    "User",
    "YearlyReport",
    "area_queryset",
    "last_full_year",
    "AttentionCase",
    "KecamatanSummary",
    "SummaryCell",
    "SummaryRefresh",
    "Finding",
    "KecamatanNeighbour",
    "OutsideParty",
    "Partnership",
    "Training",
    "TrainingParticipant",
    "ExportLog",
    "PendingImport",
    "ImportBatch",
    "ImportedRow",
    "ImportKind",
    "Lease",
    "WorkerHeartbeat",
]
