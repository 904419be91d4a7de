import { Controller, Get, Module, Param, Query } from '@nestjs/common';
import { AccessService } from '../../src/access/access.service';
import { Authorize } from '../../src/access/authorize.decorator';
import type { Decision } from '../../src/access/policy';
import { AuditService } from '../../src/audit/audit.service';
import type { Actor } from '../../src/auth/actor';
import { AccessDecision, CurrentActor } from '../../src/common/http';
import { Db } from '../../src/database/db';

/**
 * A person-scoped route for testing the access policy before the people module exists: it reads "a person"
 * (just their id) the way real person routes do: guard decision, audited read in one transaction, scoped list.
 */
@Controller('probe-people')
class ProbePeopleController {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly access: AccessService,
  ) {}

  @Get()
  @Authorize('self.read')
  async list(@CurrentActor() actor: Actor, @Query('ids') ids: string): Promise<{ visible: string[] }> {
    const wanted = (ids ?? '').split(',').filter(Boolean);
    const scope = this.access.scope(actor, 'person.read', 'p.id', 2);
    const rows: Array<{ id: string }> = await this.db.dataSource.query(
      `SELECT p.id::text AS id FROM unnest($1::uuid[]) AS p(id) WHERE ${scope.sql} ORDER BY 1`,
      [wanted, ...scope.params],
    );
    return { visible: rows.map((r) => r.id) };
  }

  @Get(':personId')
  @Authorize('person.read', { personParam: 'personId' })
  read(@Param('personId') personId: string, @AccessDecision() decision: Decision): Promise<{ id: string; basis: string }> {
    return this.db.transaction(async (m) => {
      await this.audit.record(m, {
        action: 'person.read',
        resourceType: 'person',
        resourceId: personId,
        subjectPersonId: personId,
        accessBasis: decision.basis,
      });
      return { id: personId, basis: decision.basis };
    });
  }
}

@Module({ controllers: [ProbePeopleController] })
export class ProbePeopleModule {}
