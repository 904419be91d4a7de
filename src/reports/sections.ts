/** A report's figures arranged as tables: one per section, its groups as rows and its measures as columns. Pure. */
import type { Figure } from './report.model';

/** The sections of a report in order, each with its groups (rows) and measures (columns) in the order first seen. */
export function sectionsOf(figures: readonly Figure[]): Array<{
  section: string;
  label: string;
  groups: Array<{ code: string; label: string }>;
  measures: Array<{ code: string; label: string }>;
  cell: (group: string, measure: string) => Figure | undefined;
}> {
  const order: string[] = [];
  const by = new Map<string, Figure[]>();
  for (const f of figures) {
    if (!by.has(f.section)) order.push(f.section);
    by.set(f.section, [...(by.get(f.section) ?? []), f]);
  }
  return order.map((section) => {
    const fs = by.get(section)!;
    const uniq = (key: 'group' | 'measure', label: 'groupLabel' | 'measureLabel') => {
      const seen = new Map<string, string>();
      for (const f of fs) if (!seen.has(f[key])) seen.set(f[key], f[label]);
      return [...seen].map(([code, l]) => ({ code, label: l }));
    };
    const index = new Map(fs.map((f) => [`${f.group}\u0000${f.measure}`, f]));
    return {
      section,
      label: fs[0].sectionLabel,
      groups: uniq('group', 'groupLabel'),
      measures: uniq('measure', 'measureLabel'),
      cell: (g: string, m: string) => index.get(`${g}\u0000${m}`),
    };
  });
}
