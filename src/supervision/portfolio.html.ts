/**
 * The reapproval portfolio as one printable, self-contained HTML page (inline CSS, no scripts, no external resources).
 * Pure: a PortfolioDto in, a string out. Every value from the data passes through escapeHtml: the `html` template tag
 * escapes whatever it interpolates unless it is markup built by `html` itself.
 */
import { DateTime } from 'luxon';
import { negotiateFormat } from '../common/content-negotiation';
import { escapeHtml } from '../common/html';
import { localDate } from '../statute/time';
import type { ApprovalComplianceDto } from '../workforce/dto/training.dto';
import type { PortfolioDto } from './dto/portfolio.dto';

class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function fragment(v: unknown): string {
  if (v instanceof Markup) return v.value;
  if (Array.isArray(v)) return v.map(fragment).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(v);
}

/** Template tag: interpolated values are escaped; nested `html` fragments and arrays of them are kept as markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0];
  values.forEach((v, i) => {
    out += fragment(v) + strings[i + 1];
  });
  return new Markup(out);
}

/** `?format=` decides; otherwise HTML when the client asks for text/html more than for JSON (a browser does). */
export function wantsHtml(format: 'json' | 'html' | undefined, accept: string | undefined): boolean {
  return negotiateFormat(format, accept, { json: 'application/json', html: 'text/html' }) === 'html';
}

const day = (d: string | null) => (d ? DateTime.fromISO(d, { zone: 'UTC' }).setLocale('en-GB').toFormat('d MMM yyyy') : '—');
const label = (code: string) => code.charAt(0).toUpperCase() + code.slice(1).replace(/-/g, ' ');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const hours = (n: number) => (Math.round(n * 100) / 100).toString();

const STYLE = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; max-width: 200mm; margin: 0 auto; padding: 16px; background: #fff; }
h1 { font-size: 17pt; margin: 0 0 2px; }
h2 { font-size: 13pt; margin: 20px 0 6px; padding-bottom: 2px; border-bottom: 1.5px solid #333; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 12px 0 4px; break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0; }
.name { font-size: 14pt; font-weight: 600; margin: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: 8px 0 0; }
dl.facts dt { color: #444; }
dl.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 10px; font-size: 9.5pt; }
th, td { border: 1px solid #bbb; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.bad { color: #a00000; font-weight: 600; }
.good { color: #05620b; }
.muted { color: #555; }
.text { white-space: pre-wrap; }
.tag { display: inline-block; border: 1px solid #999; border-radius: 3px; padding: 0 4px; margin: 0 3px 2px 0; font-size: 8.5pt; }
footer { margin-top: 24px; padding-top: 4px; border-top: 1px solid #bbb; font-size: 8.5pt; color: #555; }
@media print { body { padding: 0; max-width: none; } }
`;

function trainingYears(c: ApprovalComplianceDto) {
  return html`<h3>Approval ${day(c.startsOn)} to ${day(c.endsOn)}</h3>
<table><thead><tr><th>Year</th><th>From</th><th>To</th><th class="num">Hours</th><th class="num">Required</th><th class="num">Mental health hours</th><th class="num">Shortfall</th><th>Status</th></tr></thead><tbody>
${c.years.map(
  (
    y,
  ) => html`<tr><td>${y.year}</td><td>${day(y.from)}</td><td>${day(y.to)}</td><td class="num">${hours(y.hours)}</td><td class="num">${hours(y.requiredHours)}</td><td class="num">${hours(y.mentalHealthHours)}</td><td class="num">${hours(y.shortfallHours)}</td><td class="${y.status === 'short' ? 'bad' : y.status === 'met' ? 'good' : ''}">${label(y.status)}${y.decision ? html`<div>May go on acting: decided ${day(y.decision.decidedOn)}, ${y.decision.reason}</div>` : ''}</td></tr>
`,
)}</tbody></table>`;
}

/** The printable page. `timeZone` is the service's, for the generation time. */
export function renderPortfolioHtml(p: PortfolioDto, timeZone: string): string {
  const who = p.practitioner;
  const s = p.supervision;
  const instant = (at: string) => DateTime.fromISO(at).setZone(timeZone).setLocale('en-GB').toFormat('d MMM yyyy, HH:mm ZZZZ');
  const generated = instant(p.generatedAt);
  const supervisionStatus =
    s.status.status === 'overdue'
      ? html`<span class="bad">Overdue by ${plural(s.status.daysOverdue, 'day')}</span>`
      : html`<span class="good">In date</span> <span class="muted">(${plural(s.status.daysUntilDue, 'day')} left)</span>`;

  const page = html`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>AMHP reapproval portfolio: ${who.displayName}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<header>
<h1>AMHP reapproval portfolio</h1>
<p class="name">${who.displayName}</p>
<dl class="facts">
<dt>Profession</dt><dd>${label(who.profession)}</dd>
<dt>Registration</dt><dd>${who.registrationBody} ${who.registrationNumber} (${label(who.registrationStatus)}${who.registrationCheckedOn ? html`, checked ${day(who.registrationCheckedOn)}` : ''})</dd>
<dt>Team</dt><dd>${who.team ?? '—'}</dd>
<dt>Current approval</dt><dd>${label(who.approvalStatus)}${who.approvalEndsOn ? html`, ends ${day(who.approvalEndsOn)}` : ''}</dd>
<dt>Generated</dt><dd>${generated}</dd>
</dl>
</header>

<section>
<h2>Approvals</h2>
${
  p.approvals.length
    ? html`<table><thead><tr><th>Approving authority</th><th>From</th><th>To</th><th>Status</th><th>AMHP course (AMHP-02)</th><th>Conditions</th><th>Ended</th><th>Suspensions</th></tr></thead><tbody>
${p.approvals.map(
  (
    a,
  ) => html`<tr><td>${a.approvingAuthority}</td><td>${day(a.startsOn)}</td><td>${day(a.endsOn)}</td><td>${label(a.status)}</td><td>${a.approvedCourseCompletedOn ? html`Completed ${day(a.approvedCourseCompletedOn)}` : '—'}${a.previouslyApprovedBy ? html`<div>Approved before by ${a.previouslyApprovedBy}</div>` : ''}</td><td class="text">${a.conditions ?? '—'}</td><td>${a.endedOn ? html`${day(a.endedOn)}: ${a.endReason}` : '—'}</td><td>${a.suspensions.length ? a.suspensions.map((x) => html`<div>${day(localDate(new Date(x.startsAt), timeZone))} to ${x.endsAt ? day(localDate(new Date(x.endsAt), timeZone)) : 'now'}: ${x.reason}</div>`) : '—'}</td></tr>
`,
)}</tbody></table>`
    : html`<p class="muted">No approvals recorded.</p>`
}
</section>

<section>
<h2>Refresher training (AMHP-06)</h2>
${p.training.compliance.length ? p.training.compliance.map(trainingYears) : html`<p class="muted">No approval to measure training against.</p>`}
<h3>Training records</h3>
${
  p.training.records.length
    ? html`<table><thead><tr><th>Completed</th><th>Topic</th><th>Provider</th><th class="num">Hours</th><th>Mental health</th></tr></thead><tbody>
${p.training.records.map(
  (
    r,
  ) => html`<tr><td>${day(r.completedOn)}</td><td>${r.topic}</td><td>${r.provider}</td><td class="num">${hours(r.hours)}</td><td>${r.mentalHealthSpecific ? 'Yes' : 'No'}</td></tr>
`,
)}</tbody></table>`
    : html`<p class="muted">No training recorded.</p>`
}
${
  p.training.removed.length
    ? html`<h3>Removed as entered in error</h3>
<p class="muted">Kept on the record; counted in no year.</p>
<table><thead><tr><th>Completed</th><th>Topic</th><th>Provider</th><th class="num">Hours</th><th>Removed</th></tr></thead><tbody>
${p.training.removed.map(
  (r) =>
    html`<tr><td>${day(r.completedOn)}</td><td>${r.topic}</td><td>${r.provider}</td><td class="num">${hours(r.hours)}</td><td>${instant(r.removedAt)}</td></tr>
`,
)}</tbody></table>`
    : ''
}
</section>

<section>
<h2>Supervision (AMHP-10)</h2>
<p>Professional supervision: ${supervisionStatus}. Last professional supervision: ${s.status.lastProfessionalOn ? day(s.status.lastProfessionalOn) : html`<span class="bad">never</span>`}; interval ${plural(s.status.intervalDays, 'day')}; next due by ${day(s.status.nextDueOn)}.</p>
<p class="muted">Sessions recorded: ${s.totals.total} (professional ${s.totals.professional}, managerial ${s.totals.managerial}, group ${s.totals.group}, reflective ${s.totals.reflective}). Only professional sessions count towards the interval. Session notes are never part of a portfolio.</p>
${
  s.byApprovalYear.length
    ? html`<table><thead><tr><th>Approval year</th><th>From</th><th>To</th><th class="num">Professional</th><th class="num">Managerial</th><th class="num">Group</th><th class="num">Reflective</th><th class="num">Total</th><th class="num">Hours</th></tr></thead><tbody>
${s.byApprovalYear.map(
  (
    y,
  ) => html`<tr><td>${y.year}</td><td>${day(y.from)}</td><td>${day(y.to)}</td><td class="num">${y.professional}</td><td class="num">${y.managerial}</td><td class="num">${y.group}</td><td class="num">${y.reflective}</td><td class="num">${y.total}</td><td class="num">${hours(y.totalMinutes / 60)}</td></tr>
`,
)}</tbody></table>`
    : ''
}
${
  s.sessions.length
    ? html`<h3>Sessions</h3><table><thead><tr><th>Held</th><th>Type</th><th class="num">Minutes</th><th>Supervisor</th></tr></thead><tbody>
${s.sessions.map(
  (
    x,
  ) => html`<tr><td>${day(x.heldOn)}</td><td>${label(x.type)}</td><td class="num">${x.durationMinutes}</td><td>${x.supervisorName}</td></tr>
`,
)}</tbody></table>`
    : html`<p class="muted">No supervision sessions recorded.</p>`
}
</section>

<section>
<h2>MHA assessments</h2>
<p>${p.assessments.total} assessment${p.assessments.total === 1 ? '' : 's'} decided: ${p.assessments.applications} application${p.assessments.applications === 1 ? '' : 's'}, ${p.assessments.notDetained} not detained, ${p.assessments.ctoDecisions} CTO decision${p.assessments.ctoDecisions === 1 ? '' : 's'}; most recent ${day(p.assessments.lastOn)}.</p>
</section>

<section>
<h2>Appraisals</h2>
${
  p.appraisals.length
    ? p.appraisals.map(
        (a) => html`<h3>${day(a.heldOn)}: ${label(a.outcome)}</h3>
<p>Period ${day(a.periodFrom)} to ${day(a.periodTo)}; appraiser ${a.appraiserName}; next due ${day(a.nextDueOn)}.</p>
${a.textWithheld ? html`<p class="muted">Summary and objectives are not shown to this reader.</p>` : html`${a.summary ? html`<p class="text"><strong>Summary.</strong> ${a.summary}</p>` : ''}${a.objectives ? html`<p class="text"><strong>Objectives.</strong> ${a.objectives}</p>` : ''}`}
`,
      )
    : html`<p class="muted">No appraisals recorded.</p>`
}
</section>

<section>
<h2>Practice audits</h2>
${
  p.practiceAudits.length
    ? html`<table><thead><tr><th>Audited</th><th>Work reference</th><th>Rating</th><th class="num">Score</th><th>Themes</th><th>Reviewer</th></tr></thead><tbody>
${p.practiceAudits.map(
  (
    a,
  ) => html`<tr><td>${day(a.auditedOn)}</td><td>${a.workReference}</td><td class="${a.rating === 'inadequate' || a.rating === 'requires-improvement' ? 'bad' : ''}">${label(a.rating)}</td><td class="num">${a.score ?? '—'}</td><td>${a.themes.map((t) => html`<span class="tag">${t}</span>`)}</td><td>${a.reviewerName}</td></tr>
${
  a.textWithheld
    ? ''
    : html`<tr><td colspan="6"><div class="text"><strong>Findings.</strong> ${a.findings}</div>${a.actions ? html`<div class="text"><strong>Actions.</strong> ${a.actions}</div>` : ''}</td></tr>
`
}`,
)}</tbody></table>`
    : html`<p class="muted">No practice audits recorded.</p>`
}
</section>

<footer>Confidential staff record, kept under SI 2008/1206 reg 8 (AMHP-09). Generated ${generated} by amhp-hub; this read is recorded in the audit log.</footer>
</body>
</html>
`;
  return page.value;
}
