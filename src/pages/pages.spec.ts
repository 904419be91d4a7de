import { topicOf, ttlSeconds } from './push-sender.service';
import { NOTIFICATION_WORDS, pageTitle, urgencyOf } from './pages.service';
import { PAGE_KINDS } from './pages.entities';

describe('what a page says and how it is pushed', () => {
  it.each([
    // kind, reason, urgency, TTL (s) with OFFER_ESCALATION_MINUTES 15, the words on the lock screen
    ['offer', null, 'high', 900, 'New job offered to you'],
    ['escalation', 'offer-not-accepted', 'high', 900, 'A job nobody has accepted has come to you'],
    ['escalation', 'clock-not-acknowledged', 'high', 900, 'A time limit warning nobody acknowledged has come to you'],
    ['clock-breach', null, 'high', 3600, 'A legal time limit on your job has passed'],
    ['clock-warning', null, 'normal', 3600, 'A legal time limit on your job is running out'],
    ['handover', null, 'normal', 4 * 3600, 'The morning handover is ready'],
  ] as const)('a %s page (%s): Urgency %s, TTL %i s, "%s"', (kind, reason, urgency, ttl, title) => {
    expect(urgencyOf(kind)).toBe(urgency);
    expect(ttlSeconds(kind, 15)).toBe(ttl);
    expect(pageTitle(kind, reason)).toBe(title);
  });

  it('a notification, which knows only the kind, says the same words for every person, and a generic one for an escalation', () => {
    expect(NOTIFICATION_WORDS).toEqual({
      offer: 'New job offered to you',
      'clock-warning': 'A legal time limit on your job is running out',
      'clock-breach': 'A legal time limit on your job has passed',
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
