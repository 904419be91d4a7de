/**
 * What a reader sees of a piece of text: the one definition of "blank" and of a text's length that every check of a
 * recorded reason, note or list item uses (the request validators and the statutory checklist alike). A record the
 * Act asks for (the s.13(2) interview, an override's reason, a break-glass reason) is only made if someone can read
 * it, so text that shows nothing is no record.
 *
 * A character shows when it is a grapheme base (a letter, digit, spacing mark, symbol, punctuation or emoji, in any
 * script) that is neither a space (White_Space) nor a default-ignorable code point (soft hyphen, bidirectional marks
 * and embeddings, zero-width characters, word joiner and invisible operators, variation selectors, Hangul fillers,
 * the combining grapheme joiner, tags), nor the braille pattern blank U+2800, which is drawn as an empty cell.
 * Combining marks, format and control characters are not grapheme bases: on a letter they are part of it (é, क़),
 * alone they show nothing.
 */
export const VISIBLE_CHARACTER = /(?![\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800])\p{Grapheme_Base}/u;

const SPACE = /\p{White_Space}/u;
const ASCII_TEXT = /^[\x20-\x7e]*$/;
/** A printable ASCII character other than the space (each is a grapheme base that shows); false for NaN (no character). */
const isPrintableAscii = (code: number): boolean => code > 0x20 && code < 0x7f;
const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Whether `text` shows nothing: empty, or only spaces and characters that are not drawn. */
export function isBlankText(text: string): boolean {
  return !VISIBLE_CHARACTER.test(text);
}

/** Whether `text` is a string a reader can see something of. */
export function isFilledText(text: string | null | undefined): text is string {
  return typeof text === 'string' && !isBlankText(text);
}

/**
 * `text` from its first to its last character that shows: the spaces and invisible characters at its ends are
 * taken off, but never a mark or selector that belongs to a shown character (the accent of a final "é", the
 * emoji presentation selector of "❤️", the tags of the England flag), so the text reads as it did. Blank text is ''.
 */
export function trimInvisible(text: string): string {
  // Most text starts and ends with a printable ASCII character: each shows, and the last is a whole grapheme (nothing
  // follows it to join it), so there is nothing to take off. Every request body's texts pass here.
  if (isPrintableAscii(text.charCodeAt(0)) && isPrintableAscii(text.charCodeAt(text.length - 1))) return text;
  const start = text.search(VISIBLE_CHARACTER);
  if (start < 0) return '';
  let last = text.length;
  for (;;) {
    const cp = text.codePointAt(last - 1)!;
    const at = cp >= 0xdc00 && cp <= 0xdfff && last >= 2 ? last - 2 : last - 1;
    if (VISIBLE_CHARACTER.test(String.fromCodePoint(text.codePointAt(at)!))) {
      last = at;
      break;
    }
    last = at;
  }
  // The last shown character's whole grapheme (its marks, selectors, joiners and tags) stays.
  const [grapheme] = GRAPHEMES.segment(text.slice(last));
  return text.slice(start, last + grapheme.segment.length);
}

/**
 * How many characters of `text` a reader sees: those that show and the spaces between them. Spaces and invisible
 * characters at the ends, invisible characters anywhere, and the marks on a letter do not count, so a minimum
 * length (a break-glass reason of 20 characters) cannot be met by characters nobody can read.
 */
export function visibleLength(text: string): number {
  // Printable ASCII and spaces only: every character shows or is a space, so what counts is the text less its end spaces.
  if (ASCII_TEXT.test(text)) return text.replace(/^ +| +$/g, '').length;
  let n = 0;
  for (const c of trimInvisible(text)) if (SPACE.test(c) || VISIBLE_CHARACTER.test(c)) n++;
  return n;
}

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}]/gu;
const SPACES = /\p{White_Space}+/gu;

/**
 * A person's name as one text whatever way it was typed or pasted: what a reader sees of it, and nothing else. The
 * characters that are never drawn (default-ignorable code points: soft hyphen, zero-width space and joiners,
 * bidirectional marks and overrides, word joiner, variation selectors, BOM) are taken out wherever they are; the
 * letters are composed (Unicode NFC, so "é" typed as e + combining accent is the one character "é"); every run of
 * spaces of any kind (no-break, thin, ideographic, tab, line break) is one space; the ends are trimmed. Two names that
 * look the same are then the same text, so the same person is found (DUTY-02, an open referral for her) and searched
 * for by name, rather than a second record made for her that nobody can tell from the first.
 */
export function canonicalName(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFC').replace(SPACES, ' ').trim();
}

/** What may never be in an email address: characters not drawn, formatting, controls, private use, unassigned. */
const EMAIL_UNSHOWN = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{White_Space}]/u;
/** A domain as the DNS carries it: ASCII letters, digits, hyphens and dots (an internationalised one in its xn-- form). */
const ASCII_DOMAIN = /^[a-z0-9.-]+$/i;
/** The scripts a local part's letters are told apart by; Han, kana and Hangul are one (Japanese and Korean mix them). */
const SCRIPTS: ReadonlyArray<[string, RegExp]> = [
  ['Latin', /\p{Script=Latin}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Bengali', /\p{Script=Bengali}/u],
  ['Gurmukhi', /\p{Script=Gurmukhi}/u],
  ['Gujarati', /\p{Script=Gujarati}/u],
  ['Tamil', /\p{Script=Tamil}/u],
  ['Telugu', /\p{Script=Telugu}/u],
  ['Kannada', /\p{Script=Kannada}/u],
  ['Malayalam', /\p{Script=Malayalam}/u],
  ['Sinhala', /\p{Script=Sinhala}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Ethiopic', /\p{Script=Ethiopic}/u],
  ['Han, kana or Hangul', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u],
];
const scriptOf = (letter: string): string => SCRIPTS.find(([, re]) => re.test(letter))?.[0] ?? 'another script';

/**
 * Why an email address (already trimmed and in lower case) could be taken for another, or null when it cannot: an
 * address names an account, and the audit trail, notifications and handovers show it as who acted, so two that look
 * the same must be the same text. Refused: any character that is not drawn or is formatting (zero-width space, soft
 * hyphen, bidirectional marks and overrides, controls: canonicalName takes the same ones out of names); text that
 * is not in its one compatibility-composed form (NFKC: "e" + a combining accent for "é", fullwidth or mathematical
 * letters); a combining mark that stays on a letter (a struck-through or accented letter no keyboard makes as one);
 * a domain that is not ASCII (an internationalised one is given in its xn-- form); and a local part mixing scripts
 * (a Cyrillic "а" among Latin letters) or holding a symbol other than ASCII's (a one-dot leader for a full stop).
 */
export function emailAddressFault(address: string): string | null {
  if (EMAIL_UNSHOWN.test(address)) return 'must not contain invisible, formatting or control characters';
  if (address !== address.normalize('NFKC')) return 'must be written in composed characters (Unicode NFKC), as it is typed';
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1);
  if (domain && !ASCII_DOMAIN.test(domain)) return 'must have its domain in ASCII (an internationalised domain in its xn-- form)';
  if (/[\p{Mn}\p{Me}]/u.test(local)) return 'must not have combining marks on its letters';
  const scripts = new Set<string>();
  for (const c of local) {
    if (c.charCodeAt(0) < 0x80) {
      if (/[a-z]/.test(c)) scripts.add('Latin');
      continue;
    }
    if (!/[\p{L}\p{N}\p{Mc}]/u.test(c)) return 'must use only letters, digits and ASCII symbols';
    if (/\p{L}/u.test(c)) scripts.add(scriptOf(c));
  }
  if (scripts.size > 1) return `must not mix letters of different scripts (${[...scripts].join(', ')})`;
  return null;
}

/**
 * Letters of other scripts (and digits and letter pairs) drawn like Latin ones in the fonts a user list, an audit
 * trail or a notification shows, as their Latin look-alike: a short table after Unicode's confusables (UTS #39) for
 * the letters an email address can hold in lower case.
 */
const CONFUSABLE: ReadonlyArray<[RegExp, string]> = [
  [/[\u0430\u03b1\u0251]/gu, 'a'], // Cyrillic а, Greek α, Latin alpha
  [/[\u044c\u0185]/gu, 'b'], // Cyrillic soft sign ь, tone six
  [/[\u0441\u03f2\u1d04]/gu, 'c'], // Cyrillic с, lunate sigma
  [/[\u0501\u217e]/gu, 'd'], // Cyrillic ԁ
  [/[\u0435\u0454\u04bd]/gu, 'e'], // Cyrillic е, є
  [/[\u0261\u0581]/gu, 'g'], // script g, Armenian ց
  [/[\u04bb\u0570]/gu, 'h'], // Cyrillic һ, Armenian հ
  [/[\u0456\u0131\u03b9\u0269\u04cf\u2170]/gu, 'i'], // Cyrillic і, dotless ı, Greek ι
  [/[\u0458\u03f3]/gu, 'j'], // Cyrillic ј, Greek ϳ
  [/[\u03ba]/gu, 'k'], // Greek κ
  [/[1\u04c0\u05c0\u0661\u06f1\u2113]/gu, 'l'], // digit one, Cyrillic palochka, script l
  [/[\u043f]/gu, 'n'], // Cyrillic п (read as n in many fonts)
  [/[0\u043e\u03bf\u03c3\u0585\u05e1\u0ce6\u0d20]/gu, 'o'], // digit zero, Cyrillic о, Greek ο σ, Armenian օ
  [/[\u0440\u03c1\u2374]/gu, 'p'], // Cyrillic р, Greek ρ
  [/[\u051b\u0563]/gu, 'q'], // Cyrillic ԛ
  [/[\u0433\u1d26]/gu, 'r'], // Cyrillic г
  [/[\u0455\u01bd]/gu, 's'], // Cyrillic ѕ
  [/[\u03c5\u057d\u028b]/gu, 'u'], // Greek υ, Armenian ս
  [/[\u03bd\u0475\u2174]/gu, 'v'], // Greek ν, Cyrillic ѵ
  [/[\u051d\u0461\u0561\u03c9]/gu, 'w'], // Cyrillic ԝ ѡ, Armenian ա, Greek ω
  [/[\u0445\u03c7\u2179]/gu, 'x'], // Cyrillic х, Greek χ
  [/[\u0443\u04af\u03b3]/gu, 'y'], // Cyrillic у ү, Greek γ
  [/[\u1d22]/gu, 'z'],
  [/[\u2010-\u2015\u2212\u2043\u02d7]/gu, '-'], // hyphens, dashes and minus signs
  [/rn/g, 'm'], // "rn" reads as "m"
  [/vv/g, 'w'], // "vv" reads as "w"
];
const EMAIL_NOT_DRAWN = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{White_Space}\p{M}]/gu;

/**
 * The form of an email address that two addresses share when a reader cannot tell them apart: in lower case, with
 * compatibility forms made plain (NFKD: fullwidth, mathematical and circled letters, the one-dot leader), every
 * character that is not drawn or is only a mark on a letter taken out (invisible, formatting and control characters,
 * accents), and letters, digits and pairs drawn like a Latin letter read as it (a Cyrillic "а", a Greek "ο", a digit
 * "1" for "l", "rn" for "m"). The one comparison of "looks like another account's address": a new account whose
 * address looks like one already held is refused, the accounts held that look alike are listed for an admin, and
 * signing in by an address that looks like another active account's is refused rather than one of them picked.
 */
export function emailLookAlikeKey(address: string): string {
  let key = address.toLowerCase().normalize('NFKD').replace(EMAIL_NOT_DRAWN, '').toLowerCase();
  for (const [from, to] of CONFUSABLE) key = key.replace(from, to);
  return key;
}

/**
 * Of the addresses held, those a reader cannot tell from `address` (the same address too): the one comparison of
 * every look-alike check, an account's address against the accounts' (POST /users, the identity provider's first
 * sign-in, npm run create-admin, sign-in) and a doctor's against the register's and the accounts'.
 */
export function lookingAlike<T extends { email: string }>(address: string, held: readonly T[]): T[] {
  const key = emailLookAlikeKey(address);
  return held.filter((h) => emailLookAlikeKey(h.email) === key);
}

/**
 * Of the addresses held, those a reader cannot tell from `address` that are not the very address (lookingAlike less
 * the same one): a doctor's email is refused when it looks like another doctor's or an account's yet is not it, and an
 * account's when it looks like a doctor's yet is not it (one of the two is a slip or an impersonation); either is kept
 * when it is the same (a practice's shared mailbox, a doctor who also holds an account, names no one else).
 */
export function confusableWith<T extends { email: string }>(address: string, held: readonly T[]): T[] {
  return lookingAlike(address, held).filter((h) => h.email !== address);
}
