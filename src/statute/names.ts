/**
 * A person's name as the hub compares and searches it: pure, no clock. The doctors register searches by these words
 * (doctor.rules.ts), and the rules that tell two recommending doctors apart (s.12, sameDoctor in assessment-rules.ts)
 * compare a doctor known only by name by them.
 */

/** Courtesy and academic titles: not part of the name a user searches for ("Dr Bello" is found by "bello"). */
export const NAME_TITLES: ReadonlySet<string> = new Set([
  'dr',
  'doctor',
  'prof',
  'professor',
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'sir',
  'dame',
  'rev',
]);

/**
 * The words of a name or organisation as the register searches them: accents and case folded ("Núñez" → "nunez"),
 * apostrophes dropped ("O'Brien" → "obrien"), split at spaces and hyphens ("Smith-Jones" → "smith", "jones"), a
 * trailing full stop dropped ("Dr." → "dr"). Other characters (`%`, `_`, digits) stay part of the word.
 */
export function searchWords(value: string): string[] {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .split(/[\s\-‐–—]+/u)
    .map((w) => w.replace(/\.+$/, ''))
    .filter((w) => w !== '');
}

/** The words of a doctor's name without the leading titles ("Prof. Sir Ade Bello" → "ade", "bello"). */
export function nameWords(name: string): string[] {
  const words = searchWords(name);
  let i = 0;
  while (i < words.length - 1 && NAME_TITLES.has(words[i])) i += 1;
  return words.slice(i);
}
