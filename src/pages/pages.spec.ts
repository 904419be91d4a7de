import { topicOf, ttlSeconds } from './push-sender.service';
import { pageTitle, urgencyOf } from './pages.service';
import { PAGE_KINDS } from './pages.entities';

describe('what a page says and how it is pushed', () => {
  it.each([
    // kind, reason, urgency, TTL (s) with OFFER_ESCALATION_MINUTES 15, the words on the lock screen
    ['offer', null, 'high', 900, 'New job offered to you: open to see it'],
    ['escalation', 'offer-not-accepted', 'high', 900, 'A job nobody has accepted has come to you: open to see it'],
    ['escalation', 'clock-not-acknowledged', 'high', 900, 'A time limit warning nobody acknowledged has come to you: open to see it'],
    ['clock-breach', null, 'high', 3600, 'A legal time limit on your job has passed: open to see it'],
    ['clock-warning', null, 'normal', 3600, 'A legal time limit on your job is running out: open to see it'],
    ['handover', null, 'normal', 4 * 3600, 'The morning handover is ready: open to see it'],
  ] as const)('a %s page (%s): Urgency %s, TTL %i s, "%s"', (kind, reason, urgency, ttl, title) => {
    expect(urgencyOf(kind)).toBe(urgency);
    expect(ttlSeconds(kind, 15)).toBe(ttl);
    expect(pageTitle(kind, reason)).toBe(title);
  });

  it('no page says who or where: every title is one of the generic texts, the same for every person', () => {
    for (const kind of PAGE_KINDS) expect(pageTitle(kind)).toMatch(/: open to see it$/);
  });

  it('the push Topic is at most 32 URL-safe characters, the same for one matter, different for another, and not the matter itself', () => {
    const a = topicOf('offer:8f14e45f-ceea-467f-a0e5-5f1a1b0c4d2e');
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(topicOf('offer:8f14e45f-ceea-467f-a0e5-5f1a1b0c4d2e')).toBe(a);
    expect(topicOf('offer:00000000-ceea-467f-a0e5-5f1a1b0c4d2e')).not.toBe(a);
    expect(a).not.toContain('8f14e45f');
  });
});
