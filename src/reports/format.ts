/** Which rendering of a report the caller asked for. Pure. */

export const REPORT_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The q-value of a media type in an Accept header (0 when absent). */
function quality(accept: string, type: string): number {
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    if (range.trim() !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

const MEDIA: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html', pdf: 'application/pdf' };

/** `?format=` decides; otherwise the media type the Accept header prefers among the four (JSON when none is named). */
export function chooseFormat(format: ReportFormat | undefined, accept: string | undefined): ReportFormat {
  if (format) return format;
  if (!accept) return 'json';
  let best: ReportFormat = 'json';
  let bestQ = quality(accept, MEDIA.json);
  for (const f of ['csv', 'html', 'pdf'] as const) {
    const q = quality(accept, MEDIA[f]);
    if (q > bestQ) [best, bestQ] = [f, q];
  }
  return best;
}
