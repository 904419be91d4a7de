import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { Db } from '../database/db';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { ConflictProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { PeopleService } from '../people/people.service';
import { DecisionsService } from '../safeguarding/decisions.service';
import type { CreateDecisionDto } from '../safeguarding/dto/decision.dto';
import { HandoversService } from '../safeguarding/handovers.service';
import { localDate } from '../statute/time';

/**
 * Demo out-of-hours work: last night's decisions (a s.42 concern, a best-interests decision, an emergency placement
 * above the delegated-authority limit, escalated and approved), signed through the real service, and this
 * morning's handover compiled from them, the open referrals and the assessments in progress.
 */
@Injectable()
export class DemoSafeguarding {
  constructor(
    private readonly db: Db,
    private readonly access: AccessService,
    private readonly decisions: DecisionsService,
    private readonly handovers: HandoversService,
    private readonly people: PeopleService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async seed(duty: Actor, manager: Actor): Promise<void> {
    const now = this.clock.now();
    const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();
    const person = await this.people.create(manager, {
      givenName: 'Edith',
      familyName: 'Marlow',
      dateOfBirth: '1938-10-04',
      ethnicCategory: 'A',
      address: '14 Station Road, Riverside',
    });
    // The duty AMHP was working with Edith overnight: the relationship that lets them record decisions about her.
    await this.db.transaction((m) =>
      this.access.grant(m, {
        userId: duty.userId,
        personId: person.id,
        kind: 'duty',
        sourceType: 'demo-seed',
        sourceId: person.id,
        validFrom: new Date(now.getTime() - 8 * 3_600_000),
      }),
    );
    const common = {
      factSources: ['Neighbour by phone', 'Police CAD 2231'],
      riskAnalysis: 'High risk of further harm tonight at home; low risk in respite.',
      decisionMakerAuthority: 'AMHP on the EDT rota, Northshire CC delegated authority (scheme of delegation 4.2)',
    };
    const signed = async (dto: CreateDecisionDto) => {
      const d = await this.decisions.create(duty, dto);
      await this.decisions.sign(duty, d.id, undefined);
    };

    await signed({
      type: 'adult-safeguarding',
      occurredAt: ago(7),
      personId: person.id,
      content: {
        ...common,
        question: 'Is Edith safe at home tonight, and does the s.42 duty arise?',
        legalFrameworks: ['care-act-s42'],
        powerOrDuty: 'Care Act 2014 s.42(1): duty to make enquiries',
        facts: 'Neighbour heard shouting and found Edith with bruised arms; her son, her carer, was intoxicated.',
        consultees: [
          { name: 'PC Amir', role: 'Police', at: ago(6.8), view: 'Son arrested for the night; Edith frightened.' },
          { name: 'Daughter (Jane Marlow)', role: 'Family', notReachedReason: 'Phone unanswered twice; voicemail left at 01:10.' },
        ],
        personViews: 'Wants to stay in her own home, but not with her son tonight.',
        options: [
          {
            option: 'Stay at home alone with a police welfare check',
            leastRestrictive: true,
            chosen: false,
            whyRejected: 'Son may be released overnight; Edith cannot manage alone.',
          },
          { option: 'Respite bed at Oak House tonight', leastRestrictive: false, chosen: true },
        ],
        decision: 'The s.42 duty arises. Respite bed at Oak House tonight; enquiry to the day team.',
        rationale: 'Care and support needs, abuse suspected, unable to protect herself: the least restrictive safe option tonight.',
        actions: [
          { description: 'Allocate the s.42 enquiry and call the daughter', ownerTeam: 'Riverside adult social care', dueAt: ago(-2) },
        ],
        handoverNote: 'Allocate the s.42 enquiry; call Jane Marlow; review Oak House by noon.',
        sac: {
          typeOfRisk: ['physical', 'psychological'],
          locationOfRisk: 'own-home',
          sourceOfRisk: 'other-known-to-individual',
          lackedCapacity: 'dont-know',
          mspAsked: 'asked-outcomes-expressed',
        },
      },
      details: {
        s42: {
          careAndSupportNeeds: true,
          abuseOrNeglect: true,
          unableToProtectSelf: true,
          evidence: 'Dementia diagnosis; bruising seen by police; son intoxicated and shouting.',
        },
        immediateProtection: 'Respite bed at Oak House',
        policeReferral: true,
      },
    });

    await signed({
      type: 'emergency-placement',
      occurredAt: ago(6.5),
      personId: person.id,
      costPence: 145_000,
      escalation: { to: 'Dana Whitlock', role: 'Head of Adult Social Care (on call)', at: ago(6.4), outcome: 'approved' },
      content: {
        ...common,
        question: 'Can Oak House take Edith tonight, at what cost, under whose authority?',
        legalFrameworks: ['care-act-other'],
        powerOrDuty: 'Care Act 2014 s.19(3): meeting urgent needs',
        facts: 'Oak House has one emergency bed at GBP 1,450 for up to 7 nights; above the GBP 1,000 EDT limit.',
        consultees: [
          {
            name: 'Dana Whitlock',
            role: 'Head of Adult Social Care (on call)',
            at: ago(6.4),
            view: 'Approved up to 7 nights pending review.',
          },
        ],
        personViews: 'Agrees to go to Oak House for a few nights.',
        options: [
          { option: "Friend's house", leastRestrictive: true, chosen: false, whyRejected: 'No friend able to take her tonight.' },
          { option: 'Oak House emergency bed', leastRestrictive: false, chosen: true },
        ],
        decision: 'Emergency placement at Oak House for up to 7 nights.',
        rationale: 'Only safe bed available tonight; cost approved by the on-call head of service.',
        actions: [{ description: 'Review the placement and funding', ownerTeam: 'Riverside adult social care', dueAt: ago(-4) }],
        handoverNote: 'Placement approved above the limit by Dana Whitlock; review within 7 days.',
      },
      details: {
        placement: 'Oak House, emergency bed',
        startsAt: ago(6),
        costPence: 145_000,
        fundingAuthority: 'Northshire County Council',
      },
    });

    await signed({
      type: 'best-interests',
      occurredAt: ago(4),
      personDetails: { name: 'Unknown man found at the bus station ("Ray")', approximateAge: 75 },
      content: {
        ...common,
        question: 'Where should Ray stay tonight?',
        legalFrameworks: ['mca-best-interests'],
        powerOrDuty: 'Mental Capacity Act 2005 ss.4-5',
        facts: 'Found confused and cold at the bus station; cannot give his address; no injuries.',
        capacity: 'Lacks capacity to decide where to stay tonight: cannot retain or weigh the information.',
        consultees: [{ name: 'A&E nurse in charge', role: 'Nurse', at: ago(3.8), view: 'Medically fit; needs somewhere safe.' }],
        personViews: 'Wants to go "home" but cannot say where that is.',
        options: [
          {
            option: 'Let him leave',
            leastRestrictive: true,
            chosen: false,
            whyRejected: 'Would be out in the cold overnight with no way home.',
          },
          { option: 'Emergency bed at Elm Court until his family are found', leastRestrictive: false, chosen: true },
        ],
        decision: 'Emergency bed at Elm Court tonight in his best interests.',
        rationale: 'Cannot decide for himself; the bed keeps him safe while police trace his family.',
        actions: [
          { description: 'Police to trace family; review capacity in daylight', ownerTeam: 'Hospital social work team', dueAt: ago(-3) },
        ],
        handoverNote: 'Police tracing family (CAD 2287). Reassess capacity today.',
      },
      details: {
        capacity: {
          decision: 'Where to stay tonight',
          assessedAt: ago(4.1),
          impairment: true,
          unableTo: ['retain', 'use-or-weigh'],
          causalLink: true,
          practicableStepsTaken: 'Quiet room, simple words, repeated twice, glasses found.',
        },
        bestInterests: {
          canItWait: 'No: it is night and he has nowhere to go.',
          wishesAndFeelings: 'Wants to go home.',
          beliefsAndValues: 'None known.',
          attorneyOrDeputyChecked: true,
          imcaRequired: false,
          leastRestrictive: 'Elm Court is open; he can leave in the morning once his family are found.',
        },
      },
    });

    // This morning's handover, as the day-team manager opens it.
    // Another replica's job may have compiled it first (this one's ticks wait for the seed): theirs stands.
    try {
      await this.handovers.compile(manager, localDate(now, this.config.timeZone));
    } catch (err) {
      if (!(err instanceof ConflictProblem && err.code === 'handover-already-compiled')) throw err;
    }
  }
}
