"""Imports every model module, so that `db.metadata` is complete wherever it is needed."""

from p2c.accounts.models import LoginThrottle, User
from p2c.api.models import ApiToken
from p2c.core.models import AuditEvent, IdempotencyKey, OutboxMessage
from p2c.drafts.models import Draft
from p2c.follows.models import Follow
from p2c.implementation.models import EvidenceFile, ProgressBeneficiary, ProgressReport, ProgressValue
from p2c.matchmaking.models import Introduction, Need
from p2c.members.models import CallForInterest, Contact, ExpressionOfInterest, Organization
from p2c.opendata.models import OpenDataRow, OpenDataRowState, OpenDataStale
from p2c.operations.models import JobPeriod, JobStatus
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.publications.models import Publication
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Currency,
    Event,
    ExchangeRate,
    FocusArea,
    Indicator,
    Pillar,
    PledgeType,
    ReferenceSource,
    Sdg,
    StakeholderGroup,
    WsisLine,
)
from p2c.reporting.models import Goal
from p2c.review.models import Comment
from p2c.rollups.models import Rollup, RollupOrganization, RollupPledge, RollupState
from p2c.verification.models import Verification

__all__ = [
    "ApiToken", "AuditEvent", "BeneficiaryGroup", "CallForInterest", "Comment", "Contact", "Country",
    "Currency", "Draft", "EvidenceFile", "Event", "ExchangeRate", "ExpressionOfInterest", "FocusArea", "Follow",
    "Goal", "IdempotencyKey", "Indicator", "Introduction", "JobPeriod", "JobStatus", "LoginThrottle", "Need",
    "OpenDataRow", "OpenDataRowState", "OpenDataStale",
    "Organization", "OutboxMessage", "Pillar", "Pledge",
    "PledgeTarget", "PledgeType",
    "ProgressBeneficiary", "ProgressReport", "ProgressValue", "Publication", "ReferenceSource", "RegionalInitiative",
    "Rollup",
    "RollupOrganization", "RollupPledge", "RollupState", "Sdg",
    "StakeholderGroup", "User", "Verification", "WsisLine",
]
