/** Choosing a rendering from `?format=` and the Accept header (RFC 9110 §12.5.1). Pure. */

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

/**
 * `?format=` decides; otherwise the format whose media type the Accept header rates highest. The first format of
 * `media` is the default: it wins ties, and is chosen when the header names none of them (or is absent).
 */
export function negotiateFormat<F extends string>(
  format: F | undefined,
  accept: string | undefined,
  media: Readonly<Record<F, string>>,
): F {
  const formats = Object.keys(media) as F[];
  if (format) return format;
  let best = formats[0];
  if (!accept) return best;
  let bestQ = quality(accept, media[best]);
  for (const f of formats.slice(1)) {
    const q = quality(accept, media[f]);
    if (q > bestQ) [best, bestQ] = [f, q];
  }
  return best;
}
