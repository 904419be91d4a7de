import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsInstant } from '../../common/validators';
import { PageQuery } from '../../common/pagination';
import { AUDIT_OUTCOMES } from '../audit-event.entity';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subjectPersonId?: string;
  @ApiPropertyOptional({ example: 'user.update' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @MaxLength(100) resourceType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) resourceId?: string;
  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsInstant() to?: string;
}

export class AuditEventDto {
  @ApiProperty({ description: 'Sequence number (as a string: it is a 64-bit integer).' }) id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String }) actorRoles: string | null;
  @ApiProperty() action: string;
  @ApiProperty() resourceType: string;
  @ApiProperty({ nullable: true, type: String }) resourceId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) subjectPersonId: string | null;
  @ApiProperty({ nullable: true, type: String }) accessBasis: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: string;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'In full to an auditor; to an admin only its ids, codes and times (never text a user wrote about a person).',
  })
  details: Record<string, unknown> | null;
  @ApiProperty() lane: number;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ChainBreakDto {
  @ApiProperty({ description: 'The event (or, for a checkpoint problem, the event the checkpoint names).' }) id: string;
  @ApiProperty() lane: number;
  @ApiProperty({
    enum: ['hash-mismatch', 'broken-link', 'head-mismatch', 'checkpoint-signature', 'checkpoint-sequence', 'checkpoint-mismatch'],
    description:
      'checkpoint-signature: a checkpoint this service did not sign (forged); checkpoint-sequence: a checkpoint taken out or out of order; checkpoint-mismatch: the chain no longer agrees with a checkpoint.',
  })
  problem: string;
}

export class ChainVerificationDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ description: "Events recomputed now: those after each lane's last signed checkpoint." }) eventsChecked: number;
  @ApiProperty({ description: 'Events vouched for: up to the checkpoints (verified when each was signed) and those checked now.' })
  eventsCovered: number;
  @ApiProperty() lanes: number;
  @ApiProperty({ description: "Checkpoints whose signature and sequence were checked (verify: each lane's newest and the one before it)." })
  checkpointsChecked: number;
  @ApiProperty({ type: [ChainBreakDto], description: 'The first 100 problems found.' }) breaks: ChainBreakDto[];
}

export class ChainVerificationRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['running', 'done', 'failed'] }) status: string;
  @ApiProperty({ format: 'uuid' }) requestedBy: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ description: "Events to check: every event up to the lanes' heads when it started (0 until counted)." })
  eventsTotal: number;
  @ApiProperty() eventsChecked: number;
  @ApiProperty({ description: 'eventsChecked as a percentage of eventsTotal.' }) percent: number;
  @ApiProperty() checkpointsChecked: number;
  @ApiProperty({ nullable: true, type: Boolean, description: 'The result, once done.' }) valid: boolean | null;
  @ApiProperty({ type: [ChainBreakDto], nullable: true, description: 'The first 100 problems found, once done.' })
  breaks: ChainBreakDto[] | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() statusUrl: string;
}
