import type { PortfolioDto } from './dto/portfolio.dto';
import { escapeHtml } from '../common/html';
import { html, renderPortfolioHtml, wantsHtml } from './portfolio.html';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['"quoted" and \'single\'', '&quot;quoted&quot; and &#39;single&#39;'],
    ['&lt; already escaped', '&amp;lt; already escaped'],
    ['<img src=x onerror="alert(1)">', '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'],
    ['plain text, Ünïcødé — fine', 'plain text, Ünïcødé — fine'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('escapes numbers and other values by their text', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('null');
  });
});

describe('the html template tag', () => {
  it('escapes interpolated values but keeps nested fragments and arrays of them as markup', () => {
    const evil = '<b onclick="x()">';
    const out = html`<p title="${evil}">${evil}${[html`<i>${evil}</i>`, evil]}${null}${undefined}${false}${0}</p>`;
    expect(out.toString()).toBe(
      '<p title="&lt;b onclick=&quot;x()&quot;&gt;">&lt;b onclick=&quot;x()&quot;&gt;<i>&lt;b onclick=&quot;x()&quot;&gt;</i>&lt;b onclick=&quot;x()&quot;&gt;0</p>',
    );
  });
});

describe('choosing HTML or JSON', () => {
  it.each([
    ['html', undefined, true],
    ['json', 'text/html', false],
    [undefined, undefined, false],
    [undefined, 'application/json', false],
    [undefined, '*/*', false],
    [undefined, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    [undefined, 'application/json, text/html;q=0.5', false],
    [undefined, 'text/html;q=0.9, application/json;q=0.5', true],
    [undefined, 'text/html;q=0', false],
  ] as const)('format=%s, Accept %j → html %s', (format, accept, expected) => {
    expect(wantsHtml(format, accept)).toBe(expected);
  });
});

describe('renderPortfolioHtml', () => {
  const evil = '<script>alert(1)</script>';
  const portfolio: PortfolioDto = {
    assessments: { total: 3, applications: 2, notDetained: 1, ctoDecisions: 0, lastOn: '2026-11-20' },
    practitioner: {
      id: 'p1',
      displayName: evil,
      profession: 'social-worker',
      registrationBody: 'SWE "x"',
      registrationNumber: 'SW1',
      registrationStatus: 'active',
      registrationCheckedOn: '2026-10-01',
      team: `<i>North</i>`,
      active: true,
      approvalStatus: 'active',
      approvalEndsOn: '2030-05-31',
    },
    approvals: [
      {
        id: 'a1',
        practitionerId: 'p1',
        approvingAuthority: `Council ${evil}`,
        startsOn: '2025-06-01',
        endsOn: '2030-05-31',
        conditions: evil,
        approvedCourseCompletedOn: '2024-07-18',
        previouslyApprovedBy: `Southvale ${evil}`,
        endedOn: null,
        endReason: null,
        status: 'active',
        suspensions: [{ id: 's1', startsAt: '2026-01-10T23:30:00.000Z', endsAt: null, reason: evil, liftReason: null }],
        trainingDecisions: [{ year: 1, decidedOn: '2026-06-10', reason: evil }],
        withdrawnSuspensions: [],
        withdrawnEnds: [],
        version: 1,
      },
    ],
    training: {
      records: [
        {
          id: 't1',
          practitionerId: 'p1',
          completedOn: '2025-09-10',
          hours: 12,
          provider: evil,
          topic: evil,
          mentalHealthSpecific: true,
          notes: null,
        },
      ],
      compliance: [
        {
          approvalId: 'a1',
          startsOn: '2025-06-01',
          endsOn: '2030-05-31',
          years: [
            {
              year: 1,
              from: '2025-06-01',
              to: '2026-05-31',
              requiredHours: 18,
              requiredMentalHealthHours: 0,
              hours: 12,
              mentalHealthHours: 12,
              shortfallHours: 6,
              mentalHealthShortfallHours: 0,
              status: 'short',
              decision: { year: 1, decidedOn: '2026-06-10', reason: evil },
            },
          ],
        },
      ],
      removed: [],
    },
    supervision: {
      status: {
        intervalDays: 30,
        lastProfessionalOn: null,
        nextDueOn: '2025-07-01',
        dueFrom: 'record-created',
        neverSupervised: true,
        status: 'overdue',
        daysOverdue: 508,
        daysUntilDue: 0,
      },
      totals: { professional: 0, managerial: 1, group: 0, reflective: 0, total: 1, totalMinutes: 60 },
      byApprovalYear: [
        {
          approvalId: 'a1',
          year: 1,
          from: '2025-06-01',
          to: '2026-05-31',
          professional: 0,
          managerial: 1,
          group: 0,
          reflective: 0,
          total: 1,
          totalMinutes: 60,
        },
      ],
      sessions: [{ id: 'x1', heldOn: '2025-08-01', type: 'managerial', durationMinutes: 60, supervisorName: evil }],
    },
    appraisals: [
      {
        id: 'ap1',
        appraiserName: evil,
        heldOn: '2026-10-01',
        periodFrom: '2025-10-01',
        periodTo: '2026-09-30',
        outcome: 'meets',
        summary: evil,
        objectives: evil,
        nextDueOn: '2027-10-01',
        textWithheld: false,
      },
    ],
    practiceAudits: [
      {
        id: 'pa1',
        reviewerName: evil,
        auditedOn: '2026-11-01',
        workReference: 'ASMT-1',
        themes: ['nearest-relative'],
        rating: 'good',
        score: 80,
        findings: `<img src=x onerror=alert(1)>`,
        actions: evil,
        textWithheld: false,
      },
    ],
    generatedAt: '2026-11-21T10:00:00.000Z',
  };

  it('is a whole, self-contained page with no script, no external resource and every value escaped', () => {
    const page = renderPortfolioHtml(portfolio, 'Europe/London');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('</html>');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toContain('<i>North</i>');
    expect(page).not.toMatch(/<link|src=["']?http|@import|url\(/i);
    expect(page).toContain('<title>AMHP reapproval portfolio: &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('SWE &quot;x&quot;');
    expect(page).toContain('@media print');
  });

  it('shows dates for people (service time zone for instants) and the overdue supervision plainly', () => {
    const page = renderPortfolioHtml(portfolio, 'Europe/London');
    expect(page).toContain('21 Nov 2026, 10:00 GMT');
    expect(page).toContain('Overdue by 508 days');
    expect(page).toContain('10 Jan 2026 to now');
    expect(page).toContain('Session notes are never part of a portfolio');
  });

  it('lists training removed as entered in error apart, escaped, with when it was removed; and says nothing of it when there is none', () => {
    const removed = {
      ...portfolio.training.records[0],
      id: 't2',
      topic: `Law ${evil}`,
      removedAt: '2026-07-01T09:30:00.000Z',
      removedBy: 'u1',
    };
    const page = renderPortfolioHtml({ ...portfolio, training: { ...portfolio.training, removed: [removed] } }, 'Europe/London');
    expect(page).toContain('<h3>Removed as entered in error</h3>');
    expect(page).toContain('Law &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('1 Jul 2026, 10:30 BST');
    expect(renderPortfolioHtml(portfolio, 'Europe/London')).not.toContain('Removed as entered in error');
  });

  it('shows beside each approval when she completed the approved AMHP course and who approved her before (AMHP-02)', () => {
    const page = renderPortfolioHtml(portfolio, 'Europe/London');
    expect(page).toContain('<th>AMHP course (AMHP-02)</th>');
    expect(page).toContain('Completed 18 Jul 2024<div>Approved before by Southvale &lt;script&gt;alert(1)&lt;/script&gt;</div>');
  });

  it('says when appraisal and audit text is withheld from the reader', () => {
    const page = renderPortfolioHtml(
      {
        ...portfolio,
        appraisals: [{ ...portfolio.appraisals[0], summary: null, objectives: null, textWithheld: true }],
        practiceAudits: [{ ...portfolio.practiceAudits[0], findings: null, actions: null, textWithheld: true }],
      },
      'Europe/London',
    );
    expect(page).toContain('Summary and objectives are not shown to this reader.');
    expect(page).not.toContain('Findings.');
  });
});
