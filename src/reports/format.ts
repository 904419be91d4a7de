/** Which rendering of a report the caller asked for. Pure. */
import { negotiateFormat } from '../common/content-negotiation';

export const REPORT_FORMATS = ['json', 'csv', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const MEDIA: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv', html: 'text/html', pdf: 'application/pdf' };

/** `?format=` decides; otherwise the media type the Accept header prefers among the four (JSON when none is named). */
export function chooseFormat(format: ReportFormat | undefined, accept: string | undefined): ReportFormat {
  return negotiateFormat(format, accept, MEDIA);
}
