import { topicOf, ttlSeconds } from './push-sender.service';
import { gatewayReceiptOutcome, GatewayHeld, NOTIFICATION_WORDS, pageTitle, urgencyOf } from './pages.service';
import { ADDED_CLOSING_REASONS, FIRST_CLOSING_REASONS } from '../../migrations/closing-reasons';
import { CLOSED_REASONS } from '../events/catalogue';
import { PAGE_KINDS } from './pages.entities';

describe('what a page says and how it is pushed', () => {
  it.each([
    // kind, reason, urgency, TTL (s) with OFFER_ESCALATION_MINUTES 15, the words on the lock screen
    ['offer', null, 'high', 900, 'New job offered to you'],
    ['escalation', 'offer-not-accepted', 'high', 900, 'A job nobody has accepted has come to you'],
    ['escalation', 'clock-not-acknowledged', 'high', 900, 'A time limit warning nobody acknowledged has come to you'],
    ['escalation', 'unlawful-detention', 'high', 900, 'A person is held where the law does not allow: act now'],
    ['escalation', 'amhp-not-eligible', 'high', 900, "A job's AMHP may no longer act: reallocate it"],
    ['clock-breach', null, 'high', 3600, 'A time limit on your job has passed'],
    ['clock-warning', null, 'normal', 3600, 'A time limit on your job is running out'],
    ['handover', null, 'normal', 4 * 3600, 'The morning handover is ready'],
  ] as const)('a %s page (%s): Urgency %s, TTL %i s, "%s"', (kind, reason, urgency, ttl, title) => {
    expect(urgencyOf(kind)).toBe(urgency);
    expect(ttlSeconds(kind, 15)).toBe(ttl);
    expect(pageTitle(kind, reason)).toBe(title);
  });

  it('a notification, which knows only the kind, says the same words for every person, and a generic one for an escalation', () => {
    expect(NOTIFICATION_WORDS).toEqual({
      offer: 'New job offered to you',
      'clock-warning': 'A time limit on your job is running out',
      'clock-breach': 'A time limit on your job has passed',
      escalation: 'A job needs someone now',
      handover: 'The morning handover is ready',
    });
    expect(Object.keys(NOTIFICATION_WORDS).sort()).toEqual([...PAGE_KINDS].sort());
  });

  it('the push Topic is at most 32 URL-safe characters, the same for one matter, different for another, and not the matter itself', () => {
    const a = topicOf('offer:8f14e45f-ceea-467f-a0e5-5f1a1b0c4d2e');
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(topicOf('offer:8f14e45f-ceea-467f-a0e5-5f1a1b0c4d2e')).toBe(a);
    expect(topicOf('offer:00000000-ceea-467f-a0e5-5f1a1b0c4d2e')).not.toBe(a);
    expect(a).not.toContain('8f14e45f');
  });
});

describe('a gateway receipt, whatever order receipts arrive in, never weakens the state nor moves its time back', () => {
  const t = (hhmm: string) => new Date(`2026-11-21T${hhmm}:00Z`);
  const held = (state: GatewayHeld['state'], hhmm: string, detail: string | null = null): GatewayHeld => ({
    state,
    updatedAt: t(hhmm),
    detail,
  });
  it.each([
    // held, receipt (status, at, detail) → state, updatedAt, detail, superseded
    ['requested 02:15', held('requested', '02:15'), ['delivered', '02:16', 'ref-1'], ['delivered', '02:16', 'ref-1', false]],
    ['requested 02:15', held('requested', '02:15'), ['failed', '02:16', 'no signal'], ['failed', '02:16', 'no signal', false]],
    ['requested 02:15', held('requested', '02:15'), ['acknowledged', '02:17', 'SMS reply'], ['delivered', '02:17', 'SMS reply', false]],
    // a retried failure after the delivery: superseded, whichever was sent first
    ['delivered 02:16', held('delivered', '02:16', 'ref-1'), ['failed', '02:20', 'timeout'], ['delivered', '02:16', 'ref-1', true]],
    ['delivered 02:16', held('delivered', '02:16', 'ref-1'), ['failed', '02:15', 'timeout'], ['delivered', '02:16', 'ref-1', true]],
    // an earlier delivery reported after a failure: delivered, but the time stays the latest reported
    ['failed 02:20', held('failed', '02:20', 'timeout'), ['delivered', '02:16', 'ref-1'], ['delivered', '02:20', 'ref-1', false]],
    // the same state again: newer moves the time on; older is superseded (the time never goes back)
    [
      'delivered 02:16',
      held('delivered', '02:16', 'ref-1'),
      ['acknowledged', '02:18', 'SMS reply'],
      ['delivered', '02:18', 'SMS reply', false],
    ],
    [
      'delivered 02:18',
      held('delivered', '02:18', 'SMS reply'),
      ['delivered', '02:16', 'ref-1'],
      ['delivered', '02:18', 'SMS reply', true],
    ],
    ['failed 02:20', held('failed', '02:20', 'timeout'), ['failed', '02:17', 'busy'], ['failed', '02:20', 'timeout', true]],
    // a receipt without words keeps those held
    ['failed 02:20', held('failed', '02:20', 'timeout'), ['failed', '02:25', null], ['failed', '02:25', 'timeout', false]],
  ] as const)('held %s, receipt %j → %j', (_, h, [status, at, detail], [state, updatedAt, words, superseded]) => {
    expect(gatewayReceiptOutcome(h, { status, at: t(at), detail })).toEqual({ state, updatedAt: t(updatedAt), detail: words, superseded });
  });
});

describe("the reasons a page or notification may be closed for, as the service knows them and as the migrations' checks allow them", () => {
  it('are the same list in the same order: a new reason needs its migration, appended to the history', () => {
    expect([...FIRST_CLOSING_REASONS, ...ADDED_CLOSING_REASONS]).toEqual([...CLOSED_REASONS]);
  });
});
