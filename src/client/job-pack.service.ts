import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AssessmentsService } from '../assessments/assessments.service';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { CtoExtensionsService } from '../cto-extensions/cto-extensions.service';
import { Db } from '../database/db';
import { PeopleService } from '../people/people.service';
import { RelativesService } from '../people/relatives.service';
import type { ReferralDto } from '../referrals/dto/referral.dto';
import { ReferralsService } from '../referrals/referrals.service';
import { formatLocal } from '../statute/clocks';
import type { JobPackAssistingDto, JobPackCtoRequestDto, JobPackDto, JobPackJobDto } from './dto/job-pack.dto';

/** An AMHP holds a handful of jobs at once; the pack is capped so a phone never carries a caseload. */
export const JOB_PACK_MAX_JOBS = 20;

/**
 * The job pack: what the duty AMHP needs of each job allocated to her when the signal fails (the referral with its
 * clocks, the person, the relatives and the nearest relative, the assessment with its timeline and checklist).
 *
 * It is composed from the owning modules' own reads, each deciding access and auditing what it shows, all in ONE
 * transaction: the pack is either read and audited whole, or not at all. Only referrals allocated to the caller and
 * still open are in it, and each person only while the policy lets the caller read them (the allocation does); and,
 * apart, the open assessments she attends as a co-AMHP (`assisting`), as far as she may read them.
 */
@Injectable()
export class JobPackService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly referrals: ReferralsService,
    private readonly people: PeopleService,
    private readonly relatives: RelativesService,
    private readonly assessments: AssessmentsService,
    private readonly ctoExtensions: CtoExtensionsService,
  ) {}

  async pack(actor: Actor): Promise<JobPackDto> {
    return this.db.transaction(async (m) => {
      const now = this.clock.now();
      const page = await this.referrals.list(actor, { assigned: 'me', limit: JOB_PACK_MAX_JOBS });
      // The queue read is scoped to readable people already; an access lost since then leaves the job out.
      const listed = page.items as ReferralDto[];
      const decisions = await this.access.decideEach(
        actor,
        'person.read',
        listed.map((r) => r.person.id),
        m,
      );
      const open = listed.flatMap((referral, i) => (decisions[i].allowed ? [{ referral, decision: decisions[i] }] : []));
      // Every job's parts are read for all the jobs at once, one statement each (an owning module's read of several
      // records), each record still audited as its own read: the pack costs the same round trips for one job or ten.
      // The assessments before the people's records: a list read first writes the audit rows waiting (the chain keeps
      // the order things happened), so reading them first saves that round trip.
      const assessments = await this.assessments.latestOfEach(
        actor,
        open.map((j) => j.referral.id),
      );
      const people = await this.people.readEach(open.map(({ referral, decision }) => ({ id: referral.person.id, decision })));
      const relatives = await this.relatives.relativesAndNearestOfEach(
        open.map(({ referral, decision }) => ({ personId: referral.person.id, decision })),
      );
      const jobs: JobPackJobDto[] = [];
      for (const [i, { referral }] of open.entries()) {
        const assessment = assessments[i];
        const checks = assessment && assessment.status !== 'closed' ? await this.assessments.checks(actor, assessment.id) : null;
        jobs.push({ referral, person: people[i], ...relatives[i], assessment, checks });
      }
      // The open assessments she attends as a co-AMHP named by the lead: the assessment and its checklist, as the
      // service lets her read them (assessment-record.read through `conducted`; each an audited read), never the
      // referral or the person's record. Not her own jobs, already above.
      const held = new Set(open.map((j) => j.referral.id));
      const attended = await this.assessments.list(actor, { assigned: 'me', status: 'open', limit: JOB_PACK_MAX_JOBS });
      const assisting: JobPackAssistingDto[] = [];
      for (const assessment of attended.items) {
        if (assessment.leadAmhpUserId === actor.userId || held.has(assessment.referralId)) continue;
        assisting.push({ assessment, checks: await this.assessments.checks(actor, assessment.id) });
      }
      // Her requests for a CTO extension statement (CTO-04), still to make: each request and its patient, as she reads
      // them on the CTO screens (each an audited read), so that the statement can be written without a signal.
      const ctoRequests = await this.ctoRequests(actor);
      const expiresAt = new Date(now.getTime() + this.config.clientOfflineHours * 3_600_000);
      return {
        generatedAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        expiresAtLocal: formatLocal(expiresAt, this.config.timeZone),
        jobs,
        assisting,
        ctoRequests,
      };
    });
  }

  private async ctoRequests(actor: Actor): Promise<JobPackCtoRequestDto[]> {
    const requests = await this.ctoExtensions.stillToState(actor, JOB_PACK_MAX_JOBS);
    // Each patient's record read on the decision its request was read on (the same transaction), audited as its own read.
    const people = await this.people.readEach(requests.map(({ request, decision }) => ({ id: request.personId, decision })));
    return requests.map(({ request }, i) => ({ request, person: people[i] }));
  }
}
