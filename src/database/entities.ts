import {
  JobRunEntity,
  NotificationEntity,
  OutboxCursorEntity,
  WebhookDeliveryEntity,
  WebhookSubscriptionEntity,
} from '../alerts/alerts.entities';
import { AccessRelationshipEntity } from '../access/access-relationship.entity';
import { BreakGlassSessionEntity } from '../access/break-glass-session.entity';
import { ReviewAlertEntity } from '../access/review-alert.entity';
import { AuditChainHeadEntity, AuditCheckpointEntity, AuditEventEntity, AuditVerificationEntity } from '../audit/audit-event.entity';
import { LoginAttemptEntity } from '../auth/login-attempt.entity';
import { RefreshTokenEntity } from '../auth/refresh-token.entity';
import { UserEntity } from '../auth/user.entity';
import { DoctorApprovalEntity, DoctorEntity } from '../doctors/doctor.entity';
import { OutboxEventEntity } from '../events/outbox-event.entity';
import { IdempotencyKeyEntity } from '../idempotency/idempotency-key.entity';
import { PageEntity, PushSubscriptionEntity } from '../pages/pages.entities';
import { PersonEntity, PersonMatchEntity, PersonMatchIntakeEntity } from '../people/person.entity';
import {
  DecisionAmendmentEntity,
  DecisionEntity,
  FollowUpActionEntity,
  HandoverEntity,
  HandoverItemEntity,
} from '../safeguarding/safeguarding.entities';
import { DisplacementEntity, NearestRelativeObjectionEntity, NominatedPersonEntity, RelativeEntity } from '../people/relative.entities';
import {
  AssessmentContactEntity,
  AssessmentEntity,
  AssessmentEventEntity,
  MedicalRecommendationEntity,
} from '../assessments/assessment.entities';
import { AllocationOfferEntity, ReferralEntity, ReferralEventEntity, ReferralExtensionEntity } from '../referrals/referral.entities';
import {
  BankHolidayEntity,
  CalendarTokenEntity,
  LeaveRequestEntity,
  ManagerOnCallEntity,
  RotaPlanEntity,
  RotaPlanRunEntity,
  RotaDayEntity,
  ShiftRemovedEntity,
  RotaPreferenceEntity,
  ShiftAssignmentEntity,
  ShiftEntity,
  ShiftPatternEntity,
  SwapRequestEntity,
} from '../rota/rota.entities';
import { AppraisalEntity, PracticeAuditEntity, SupervisionActionEntity, SupervisionSessionEntity } from '../supervision/supervision.entity';
import { ApprovalEntity, ApprovalSuspensionEntity } from '../workforce/approval.entity';
import { PractitionerEntity } from '../workforce/practitioner.entity';
import { TrainingRecordEntity } from '../workforce/training-record.entity';

/** Every entity, listed once; the data source and the migration generator both read this list. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  LoginAttemptEntity,
  AccessRelationshipEntity,
  BreakGlassSessionEntity,
  ReviewAlertEntity,
  AuditEventEntity,
  AuditChainHeadEntity,
  AuditCheckpointEntity,
  AuditVerificationEntity,
  IdempotencyKeyEntity,
  PractitionerEntity,
  ApprovalEntity,
  ApprovalSuspensionEntity,
  TrainingRecordEntity,
  DoctorEntity,
  DoctorApprovalEntity,
  SupervisionSessionEntity,
  SupervisionActionEntity,
  AppraisalEntity,
  PracticeAuditEntity,
  OutboxEventEntity,
  ShiftPatternEntity,
  BankHolidayEntity,
  RotaDayEntity,
  ShiftRemovedEntity,
  ShiftEntity,
  ShiftAssignmentEntity,
  LeaveRequestEntity,
  SwapRequestEntity,
  CalendarTokenEntity,
  RotaPreferenceEntity,
  RotaPlanEntity,
  ManagerOnCallEntity,
  RotaPlanRunEntity,
  PersonEntity,
  PersonMatchEntity,
  PersonMatchIntakeEntity,
  ReferralEntity,
  ReferralEventEntity,
  ReferralExtensionEntity,
  AllocationOfferEntity,
  RelativeEntity,
  NearestRelativeObjectionEntity,
  DisplacementEntity,
  NominatedPersonEntity,
  AssessmentEntity,
  AssessmentEventEntity,
  AssessmentContactEntity,
  MedicalRecommendationEntity,
  DecisionEntity,
  DecisionAmendmentEntity,
  FollowUpActionEntity,
  HandoverEntity,
  HandoverItemEntity,
  NotificationEntity,
  JobRunEntity,
  OutboxCursorEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  PushSubscriptionEntity,
  PageEntity,
];
