import { Injectable } from '@nestjs/common';
import { can } from '../access/policy';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { AssessmentsService } from '../assessments/assessments.service';
import { Db } from '../database/db';
import { ApprovalsService } from '../workforce/approvals.service';
import { PractitionersService } from '../workforce/practitioners.service';
import { TrainingService } from '../workforce/training.service';
import { AppraisalsService } from './appraisals.service';
import { PortfolioDto } from './dto/portfolio.dto';
import { PracticeAuditsService } from './practice-audits.service';
import { SupervisionService } from './supervision.service';

/**
 * The reapproval portfolio of one AMHP: their approvals, training per approval year, supervision (never its notes),
 * appraisals and practice audits, for the LSSA's records (AMHP-09) and the reapproval panel. Reading it is audited.
 *
 * Free text follows each record's own read policy: appraisal summaries and objectives only for readers of appraisals
 * (managers, the AMHP), practice-audit findings only for readers of practice audits (managers, auditors, the AMHP).
 */
@Injectable()
export class PortfolioService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly practitioners: PractitionersService,
    private readonly approvals: ApprovalsService,
    private readonly training: TrainingService,
    private readonly supervision: SupervisionService,
    private readonly appraisals: AppraisalsService,
    private readonly practiceAudits: PracticeAuditsService,
    private readonly assessments: AssessmentsService,
  ) {}

  async get(actor: Actor, practitionerId: string, format: 'json' | 'html'): Promise<PortfolioDto> {
    // The own-record check (practitioners.read: an AMHP sees only their own); an unknown id is refused to her as another's is.
    const p = await this.practitioners.get(actor, practitionerId);
    const [approvals, training] = await Promise.all([
      this.approvals.list(actor, practitionerId),
      this.training.summary(actor, practitionerId),
    ]);
    const owns = p.userId === actor.userId;
    const appraisalText = can(actor.roles, 'appraisals.read', { owns }).allowed;
    const auditText = can(actor.roles, 'practice-audits.read', { owns }).allowed;
    return this.db.transaction(async (m) => {
      const record = await this.practitioners.find(m, practitionerId);
      const [supervision, appraisals, audits] = [
        await this.supervision.portfolioRecord(m, record, training.compliance),
        await this.appraisals.forPractitioner(m, practitionerId),
        await this.practiceAudits.forPractitioner(m, practitionerId),
      ];
      const assessments = await this.assessments.practiceCounts(m, p.userId);
      await this.audit.record(m, {
        action: 'portfolio.read',
        resourceType: 'practitioner',
        resourceId: practitionerId,
        accessBasis: can(actor.roles, 'practitioners.read', { owns }).basis,
        details: { format, appraisalText, auditText },
      });
      return {
        practitioner: {
          id: p.id,
          displayName: p.displayName,
          profession: p.profession,
          registrationBody: p.registrationBody,
          registrationNumber: p.registrationNumber,
          registrationStatus: p.registrationStatus,
          registrationCheckedOn: p.registrationCheckedOn,
          team: p.team,
          active: p.active,
          approvalStatus: p.approvalStatus,
          approvalEndsOn: p.approvalEndsOn,
        },
        approvals,
        training,
        supervision,
        appraisals: appraisals.map((a) => ({
          id: a.id,
          appraiserName: a.appraiserName,
          heldOn: a.heldOn,
          periodFrom: a.periodFrom,
          periodTo: a.periodTo,
          outcome: a.outcome,
          summary: appraisalText ? a.summary : null,
          objectives: appraisalText ? a.objectives : null,
          nextDueOn: a.nextDueOn,
          textWithheld: !appraisalText,
        })),
        practiceAudits: audits.map((a) => ({
          id: a.id,
          reviewerName: a.reviewerName,
          auditedOn: a.auditedOn,
          workReference: a.workReference,
          themes: a.themes,
          rating: a.rating,
          score: a.score,
          findings: auditText ? a.findings : null,
          actions: auditText ? a.actions : null,
          textWithheld: !auditText,
        })),
        assessments,
        generatedAt: this.clock.now().toISOString(),
      };
    });
  }
}
