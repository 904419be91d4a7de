import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { isoOrNull } from '../common/clock';
import { Authorize } from '../access/authorize.decorator';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { Db } from '../database/db';
import { AuditEventEntity } from './audit-event.entity';
import { AuditVerificationsService, VerificationRow, verificationUrl } from './audit-verifications.service';
import { AuditService } from './audit.service';
import { AuditEventDto, AuditPageDto, AuditQuery, ChainVerificationDto, ChainVerificationRunDto } from './dto/audit.dto';
import { ParseIdPipe } from '../common/validation';
import type { Role } from '../auth/roles';
import { readsTextAboutPeople } from '../access/policy';
import { identifiersOnly } from '../events/payload-filter';

function verificationDto(r: VerificationRow): ChainVerificationRunDto {
  const total = Number(r.eventsTotal);
  const checked = Number(r.eventsChecked);
  return {
    id: r.id,
    status: r.status,
    requestedBy: r.requestedBy,
    requestedAt: new Date(r.requestedAt).toISOString(),
    finishedAt: isoOrNull(r.finishedAt),
    eventsTotal: total,
    eventsChecked: checked,
    percent: r.status === 'done' ? 100 : total ? Math.min(99.9, Math.floor((checked / total) * 1000) / 10) : 0,
    checkpointsChecked: r.checkpointsChecked,
    valid: r.valid,
    breaks: r.breaks,
    error: r.error,
    statusUrl: verificationUrl(r.id),
  };
}

/**
 * An audit event as `roles` may see it: its details in full to those readsTextAboutPeople allows (auditors); to an
 * account manager (admin) only their ids, codes and times (identifiersOnly), never text a user wrote about a person.
 */
function auditDto(e: AuditEventEntity, roles: readonly Role[]): AuditEventDto {
  const details = readsTextAboutPeople(roles) ? e.details : identifiersOnly(e.details ?? null);
  return { ...e, details, occurredAt: e.occurredAt.toISOString(), lane: Number(e.lane) };
}

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly verifications: AuditVerificationsService,
  ) {}

  @Get()
  @Authorize('audit.read')
  @ApiOperation({ summary: 'Search the audit log, newest first (keyset pagination).' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@CurrentActor() actor: Actor, @Query() q: AuditQuery): Promise<Page<AuditEventDto>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    return this.db.transaction(async (m) => {
      const qb = m.getRepository(AuditEventEntity).createQueryBuilder('e');
      if (q.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: q.actorId });
      if (q.subjectPersonId) qb.andWhere('e.subject_person_id = :subjectPersonId', { subjectPersonId: q.subjectPersonId });
      if (q.action) qb.andWhere('e.action = :action', { action: q.action });
      if (q.resourceType) qb.andWhere('e.resource_type = :resourceType', { resourceType: q.resourceType });
      if (q.resourceId) qb.andWhere('e.resource_id = :resourceId', { resourceId: q.resourceId });
      if (q.outcome) qb.andWhere('e.outcome = :outcome', { outcome: q.outcome });
      if (q.from) qb.andWhere('e.occurred_at >= :from', { from: q.from });
      if (q.to) qb.andWhere('e.occurred_at < :to', { to: q.to });
      if (q.cursor) {
        const [id] = decodeCursor(q.cursor, ['bigint']);
        qb.andWhere('e.id < :id', { id });
      }
      const rows = await qb
        .orderBy('e.id', 'DESC')
        .take(limit + 1)
        .getMany();
      // Reading the audit log is itself audited (who looked at whose trail).
      await this.audit.record(m, {
        action: 'audit.search',
        resourceType: 'audit-events',
        subjectPersonId: q.subjectPersonId ?? null,
        // The filters given, with their values (ids, action names, instants: identifiers only), so a search of a named
        // colleague's activity or of a named record can be told from any other. Paging is left out.
        details: { filters: searchFilters(q) },
      });
      return pageOf(
        rows,
        limit,
        (e) => [e.id],
        (e) => auditDto(e, actor.roles),
      );
    });
  }

  @Get('verify')
  @Authorize('audit.read')
  @ApiOperation({
    summary:
      'Check the hash chain: every signed checkpoint (signature and sequence), then each lane recomputed from its last checkpoint to its head; reports any row altered, removed or reordered since, and any forged checkpoint. Events before the checkpoints were verified when each was signed; POST /audit-events/verifications checks them all again.',
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  async verify(): Promise<ChainVerificationDto> {
    const result = await this.audit.verify();
    await this.audit.recordAlone({
      action: 'audit.verify',
      resourceType: 'audit-events',
      details: { valid: result.valid, eventsChecked: result.eventsChecked },
    });
    return result;
  }

  @Post('verifications')
  @Authorize('audit.read')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Start a full re-verification of the audit chain in the background: every event recomputed from the first, every checkpoint compared. One runs at a time; Location is its status, with progress and, when done, the result (kept).',
  })
  @ApiAcceptedResponse({ type: ChainVerificationRunDto })
  @ApiConflictResponse({ description: '`verification-running`: one is running already (`runningVerification`: its id and status URL).' })
  async startVerification(@CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<ChainVerificationRunDto> {
    const dto = verificationDto(await this.verifications.start(actor));
    reply.header('location', dto.statusUrl);
    return dto;
  }

  @Get('verifications/:id')
  @Authorize('audit.read')
  @ApiOperation({ summary: 'A full re-verification: its progress while it runs, its result when done (or why it failed).' })
  @ApiOkResponse({ type: ChainVerificationRunDto })
  async verification(@Param('id', new ParseIdPipe()) id: string): Promise<ChainVerificationRunDto> {
    return verificationDto(await this.verifications.get(id));
  }
}

/** The filters of an audit search that were given, with their values, in a fixed order (the query's own keys). */
function searchFilters(q: AuditQuery): Record<string, string> {
  const given: Record<string, string> = {};
  for (const key of ['actorId', 'subjectPersonId', 'action', 'resourceType', 'resourceId', 'outcome', 'from', 'to'] as const) {
    const value = q[key];
    if (value !== undefined && value !== null && value !== '') given[key] = String(value);
  }
  return given;
}
