import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ApprovalDto } from '../../workforce/dto/approval.dto';
import { TrainingSummaryDto } from '../../workforce/dto/training.dto';
import { APPRAISAL_OUTCOMES, PRACTICE_AUDIT_RATINGS, SUPERVISION_TYPES } from '../supervision.entity';
import { SupervisionStatusDto } from './supervision.dto';

export class PortfolioQuery {
  @ApiPropertyOptional({
    enum: ['json', 'html'],
    description: 'html: a printable page (text/html). Without it, `Accept: text/html` also chooses the page.',
  })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}

export class PortfolioPractitionerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() displayName: string;
  @ApiProperty() profession: string;
  @ApiProperty() registrationBody: string;
  @ApiProperty() registrationNumber: string;
  @ApiProperty() registrationStatus: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) registrationCheckedOn: string | null;
  @ApiProperty({ nullable: true, type: String }) team: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ enum: ['future', 'active', 'suspended', 'expired', 'ended', 'none'] }) approvalStatus: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) approvalEndsOn: string | null;
}

export class SupervisionTallyDto {
  @ApiProperty() professional: number;
  @ApiProperty() managerial: number;
  @ApiProperty() group: number;
  @ApiProperty() reflective: number;
  @ApiProperty() total: number;
  @ApiProperty() totalMinutes: number;
}

export class SupervisionYearDto extends SupervisionTallyDto {
  @ApiProperty({ format: 'uuid' }) approvalId: string;
  @ApiProperty({ description: "Approval year, counted from the approval's start (as for training, AMHP-06)." }) year: number;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
}

export class PortfolioSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ enum: SUPERVISION_TYPES }) type: string;
  @ApiProperty() durationMinutes: number;
  @ApiProperty() supervisorName: string;
}

export class PortfolioSupervisionDto {
  @ApiProperty({ type: SupervisionStatusDto }) status: SupervisionStatusDto;
  @ApiProperty({ type: SupervisionTallyDto, description: 'Every session recorded, whenever held.' }) totals: SupervisionTallyDto;
  @ApiProperty({ type: [SupervisionYearDto] }) byApprovalYear: SupervisionYearDto[];
  @ApiProperty({ type: [PortfolioSessionDto], description: 'Most recent first. Session notes are never part of a portfolio.' })
  sessions: PortfolioSessionDto[];
}

export class PortfolioAppraisalDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() appraiserName: string;
  @ApiProperty({ format: 'date' }) heldOn: string;
  @ApiProperty({ format: 'date' }) periodFrom: string;
  @ApiProperty({ format: 'date' }) periodTo: string;
  @ApiProperty({ enum: APPRAISAL_OUTCOMES }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ nullable: true, type: String }) objectives: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) nextDueOn: string | null;
  @ApiProperty({
    description: 'true when the reader may not read appraisals themselves (e.g. an auditor): summary and objectives are then null.',
  })
  textWithheld: boolean;
}

export class PortfolioPracticeAuditDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reviewerName: string;
  @ApiProperty({ format: 'date' }) auditedOn: string;
  @ApiProperty() workReference: string;
  @ApiProperty({ type: [String] }) themes: string[];
  @ApiProperty({ enum: PRACTICE_AUDIT_RATINGS }) rating: string;
  @ApiProperty({ nullable: true, type: Number }) score: number | null;
  @ApiProperty({ nullable: true, type: String }) findings: string | null;
  @ApiProperty({ nullable: true, type: String }) actions: string | null;
  @ApiProperty({
    description:
      'true when the reader may not read practice audits themselves (e.g. an administrator): findings and actions are then null.',
  })
  textWithheld: boolean;
}

/** Evidence for reapproval (SI 2008/1206 reg 8 records): approvals, training, supervision, appraisals, practice audits. */
/** MHA assessments the AMHP led or took part in (closed or decided), by outcome: practice evidence for reapproval. */
export class PortfolioAssessmentsDto {
  @ApiProperty() total: number;
  @ApiProperty({ description: 'Applications made (s.2, s.3, s.4, s.7).' }) applications: number;
  @ApiProperty({ description: 'Not detained, with an alternative.' }) notDetained: number;
  @ApiProperty() ctoDecisions: number;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The most recent decision.' }) lastOn: string | null;
}

export class PortfolioDto {
  @ApiProperty({ type: PortfolioPractitionerDto }) practitioner: PortfolioPractitionerDto;
  @ApiProperty({ type: [ApprovalDto], description: 'Oldest first.' }) approvals: ApprovalDto[];
  @ApiProperty({ type: TrainingSummaryDto, description: 'Training records and hours per approval year against the requirement (AMHP-06).' })
  training: TrainingSummaryDto;
  @ApiProperty({ type: PortfolioSupervisionDto }) supervision: PortfolioSupervisionDto;
  @ApiProperty({ type: [PortfolioAppraisalDto], description: 'Most recent first.' }) appraisals: PortfolioAppraisalDto[];
  @ApiProperty({ type: [PortfolioPracticeAuditDto], description: 'Most recent first.' }) practiceAudits: PortfolioPracticeAuditDto[];
  @ApiProperty({ type: PortfolioAssessmentsDto }) assessments: PortfolioAssessmentsDto;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
}
