import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import { BadRequestProblem } from '../common/problem';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { Db } from '../database/db';
import { AuditEventEntity } from './audit-event.entity';
import { AuditService } from './audit.service';
import { AuditEventDto, AuditPageDto, AuditQuery, ChainVerificationDto } from './dto/audit.dto';

function auditDto(e: AuditEventEntity): AuditEventDto {
  return { ...e, occurredAt: e.occurredAt.toISOString(), lane: Number(e.lane) };
}

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Authorize('audit.read')
  @ApiOperation({ summary: 'Search the audit log, newest first (keyset pagination).' })
  @ApiOkResponse({ type: AuditPageDto })
  async list(@Query() q: AuditQuery): Promise<Page<AuditEventDto>> {
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
        const [id] = decodeCursor(q.cursor, ['string']);
        if (!/^\d{1,19}$/.test(String(id))) throw new BadRequestProblem('cursor is not a cursor returned by this API.');
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
        details: { filters: Object.keys(q).filter((k) => k !== 'cursor' && k !== 'limit') },
      });
      return pageOf(rows, limit, (e) => [e.id], auditDto);
    });
  }

  @Get('verify')
  @Authorize('audit.read')
  @ApiOperation({ summary: 'Recompute the hash chain and report any row that was altered, removed or reordered.' })
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
}
