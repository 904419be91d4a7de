import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { ReferralsService } from '../referrals/referrals.service';

const at = (now: Date, hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();

/**
 * Demo referrals: a night's worth of open referrals in the queue, including a s.136 close to breaching its 24 h,
 * made through the real intake so their clocks, timelines and audit are as a real night's would be.
 */
@Injectable()
export class DemoReferrals {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly clock: Clock,
  ) {}

  async seed(referrer: Actor, manager: Actor): Promise<void> {
    const now = this.clock.now();
    const risks = { toSelf: true, toOthers: false, fromOthers: false, flags: [] as string[] };
    // A s.136 at a health-based place of safety since 21.5 hours ago: 2.5 hours left, in the warning window.
    const nearBreach = await this.referrals.create(manager, {
      person: {
        givenName: 'Jordan',
        familyName: 'Ellery',
        dateOfBirth: '1994-02-11',
        nhsNumber: '9434765919',
        ethnicCategory: 'A',
        preferredLanguage: 'English',
      },
      source: 'police-s136',
      referrer: { name: 'PC 4411 Harris', organisation: 'Northshire Police', phone: '+44 1632 960101' },
      reason: 'Detained under s.136 on the ring road bridge; expressing intent to end their life.',
      risks: { ...risks, flags: ['access-problems'] },
      urgency: 'emergency',
      legalContext: {
        kind: 's136',
        placeOfSafetyType: 'health-based',
        locationType: 'public-place',
        arrivedAt: at(now, 21.5),
        // POL-06 (s.136(1C)): the officer rang the hub's duty AMHP before using the power.
        policeConsultation: {
          consulted: 'yes',
          profession: 'amhp',
          at: at(now, 22),
          advice: 'Advised s.136 to the health-based place of safety; no informal alternative tonight.',
        },
      },
      location: 'Northshire General, s.136 suite',
      receivedAt: at(now, 21),
    });
    await this.referrals.move(manager, nearBreach.id, { status: 'screening' }, undefined);
    await this.referrals.move(manager, nearBreach.id, { status: 'accepted' }, undefined);
    // Offered to whoever is on duty now, so the duty AMHP's app has an offer to accept on first start (and, if
    // nobody does, it climbs the duty chain).
    await this.referrals.offer(manager, nearBreach.id);

    await this.referrals.create(referrer, {
      person: {
        givenName: 'Priya',
        familyName: 'Nandakumar',
        dateOfBirth: '1979-09-30',
        ethnicCategory: 'H',
        preferredLanguage: 'Tamil',
        interpreterNeeded: true,
      },
      source: 'ward',
      referrer: { name: 'Charge Nurse Okoye', organisation: 'Beech Ward, Northshire General', phone: '+44 1632 960202' },
      reason: "Informal in-patient trying to leave; nurse's holding power used, doctor on the way.",
      risks,
      urgency: 'emergency',
      legalContext: { kind: 's5-4', recordMadeAt: at(now, 2) },
      location: 'Beech Ward',
    });
    await this.referrals.create(referrer, {
      person: { givenName: 'Tom', familyName: 'Brackley', dateOfBirth: '1961-04-03', ethnicCategory: 'A' },
      source: 'gp',
      referrer: { name: 'Dr Sam Whitfield', organisation: 'Riverside Medical Practice', role: 'GP', phone: '+44 1632 960000' },
      reason: 'Deteriorating psychosis, not engaging with the community team; family worried.',
      risks: { toSelf: false, toOthers: true, fromOthers: false, flags: ['animals'] },
      urgency: 'urgent',
      legalContext: { kind: 'informal' },
      location: 'Home address, Riverside',
      receivedAt: at(now, 9),
    });
    await this.referrals.create(manager, {
      person: { givenName: 'Grace', familyName: 'Omondi', dateOfBirth: '1988-12-20', ethnicCategory: 'N' },
      source: 'nearest-relative',
      referrer: { name: 'Mrs Omondi (mother)', phone: '+44 7700 900321' },
      reason: 'Mother asks for an assessment under s.13(4): stopped eating, not sleeping for days.',
      risks,
      urgency: 'routine',
      legalContext: { kind: 'informal' },
      nearestRelativeRequest: true,
      receivedAt: at(now, 6),
    });
  }
}
