import {
  canonicalName,
  emailAddressFault,
  confusableWith,
  emailLookAlikeKey,
  lookingAlike,
  isBlankText,
  isFilledText,
  trimInvisible,
  visibleLength,
} from './visible-text';

const times = (s: string, n: number) => s.repeat(n);

describe('text that shows nothing is blank, whatever invisible characters it is made of', () => {
  it.each([
    ['empty', ''],
    ['spaces, tabs and line breaks', ' \t\r\n'],
    ['no-break and ideographic spaces (U+00A0, U+3000)', '\u00a0\u3000'],
    ['zero-width space, joiners, word joiner, byte-order mark', '\u200b\u200c\u200d\u2060\ufeff'],
    ['left-to-right and right-to-left marks (U+200E, U+200F)', times('\u200e', 25) + '\u200f'],
    ['bidirectional embeddings and overrides (U+202A-U+202E)', '\u202a\u202b\u202c\u202d\u202e'],
    ['bidirectional isolates (U+2066-U+2069) and the Arabic letter mark (U+061C)', '\u2066\u2067\u2068\u2069\u061c'],
    ['soft hyphens (U+00AD)', times('\u00ad', 11)],
    ['invisible operators (U+2061-U+2064)', '\u2061\u2062\u2063\u2064'],
    ['the combining grapheme joiner (U+034F)', '\u034f'],
    ['Hangul fillers (U+115F, U+1160, U+3164, U+FFA0)', '\u115f\u1160\u3164\uffa0'],
    ['the braille pattern blank (U+2800)', times('\u2800', 20)],
    ['the Mongolian vowel separator (U+180E)', '\u180e'],
    ['variation selectors (U+FE00-U+FE0F, U+E0100)', '\ufe00\ufe0f\u{e0100}'],
    ['tag characters (U+E0020-U+E007F)', '\u{e0067}\u{e0062}\u{e007f}'],
    ['combining marks with no letter to sit on', '\u0301\u0308\u20dd'],
    ['control characters', '\u0000\u0007\u001b'],
    ['a mix of all of these', '\u200e \u00ad\u2800\u3164\u200b\t\u034f'],
  ])('%s', (_name, text) => {
    expect(isBlankText(text)).toBe(true);
    expect(isFilledText(text)).toBe(false);
    expect(trimInvisible(text)).toBe('');
    expect(visibleLength(text)).toBe(0);
  });

  it.each([
    ['English', 'Home treatment refused'],
    ['one letter among invisible characters', '\u200e\u200bx\u00ad'],
    ['Welsh with accents', 'Tŷ Gwyn'],
    ['Polish', 'Łódź'],
    ['Arabic', 'علاج منزلي'],
    ['Hindi (letters with combining vowel signs)', 'क़िताब'],
    ['Chinese', '家庭治疗'],
    ['Korean syllables (not fillers)', '한국어'],
    ['a braille pattern with dots', '\u2801'],
    ['an emoji', '👍'],
    ['the England flag (a tag sequence)', '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}'],
    ['digits', '0'],
    ['punctuation', '-'],
  ])('%s is not blank', (_name, text) => {
    expect(isBlankText(text)).toBe(false);
    expect(isFilledText(text)).toBe(true);
  });

  it('null and undefined are not filled', () => {
    expect(isFilledText(null)).toBe(false);
    expect(isFilledText(undefined)).toBe(false);
  });
});

describe('trimming takes off what shows nothing at the ends, never part of a shown character', () => {
  it.each([
    ['spaces', '  crisis team  ', 'crisis team'],
    ['marks and soft hyphens at the ends', '\u200e\u00ad crisis team \u200f\u2800', 'crisis team'],
    ['invisible characters inside are kept', 'crisis\u00adteam', 'crisis\u00adteam'],
    ['a final accent written as a combining mark', ' cafe\u0301 ', 'cafe\u0301'],
    ['the emoji presentation selector of a final heart', 'thanks ❤\ufe0f\u200b', 'thanks ❤\ufe0f'],
    [
      'the tags of a final England flag',
      ' team 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f} ',
      'team 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}',
    ],
    ['a final character outside the BMP', '\u200e𝒜\u200e', '𝒜'],
    ['leading combining marks with nothing to sit on', '\u0301abc', 'abc'],
    ['plain ASCII shown from end to end is left as it is', 'Crisis team (2)!', 'Crisis team (2)!'],
    ['one character', 'x', 'x'],
    ['nothing at all', '', ''],
    ['ASCII ending in a soft hyphen', 'crisis\u00ad', 'crisis'],
  ])('%s', (_name, text, trimmed) => expect(trimInvisible(text)).toBe(trimmed));
});

describe('a length is counted in characters a reader sees (a break-glass reason needs 20)', () => {
  it.each([
    ['twenty letters', 'a'.repeat(20), 20],
    ['words with the spaces between them', 'Patient in crisis now', 21],
    ['spaces at the ends do not count', '   abc   ', 3],
    ['25 left-to-right marks', times('\u200e', 25), 0],
    ['letters padded with invisible characters inside', times('a\u200e\u00ad', 10), 10],
    ['a letter with a combining accent is one character', 'cafe\u0301', 4],
    ['a character outside the BMP is one character', '𝒜𝒜', 2],
    ['Arabic words', 'علاج منزلي', 10],
    ['only spaces', '    ', 0],
    ['a tab between words counts as a space', 'a\tb', 3],
    ['ASCII punctuation shows', '!!!', 3],
  ])('%s: %s', (_name, text, length) => expect(visibleLength(text)).toBe(length));
});

describe('a name is kept in the one form a reader sees of it, so names that look alike are one name', () => {
  it.each([
    ['plain', 'Fuzzc', 'Fuzzc'],
    ['a zero-width space inside', 'Fuzz\u200bc', 'Fuzzc'],
    ['a soft hyphen inside', 'Fuzz\u00adc', 'Fuzzc'],
    ['bidirectional controls', '\u202dFuzz\u202cc\u200e', 'Fuzzc'],
    ['a word joiner and a byte-order mark', 'Fu\u2060zz\ufeffc', 'Fuzzc'],
    ['a decomposed accent (NFD)', 'Rene\u0301e', 'Ren\u00e9e'],
    ['a composed accent (NFC) is kept', 'Ren\u00e9e', 'Ren\u00e9e'],
    ['a no-break space between names', 'Mary\u00a0Ann', 'Mary Ann'],
    ['runs of spaces, tabs and ideographic spaces', ' Mary \t\u3000 Ann  ', 'Mary Ann'],
    ['a hyphen and an apostrophe are letters of the name', "O'Neill-Smith", "O'Neill-Smith"],
    ['another script is kept as written', '\u0645\u062d\u0645\u062f', '\u0645\u062d\u0645\u062f'],
    ['only invisible characters', '\u200b\u00ad', ''],
  ])('%s: %p', (_, name, canonical) => expect(canonicalName(name)).toBe(canonical));
});

describe('an email address that could be taken for another is refused, with the reason', () => {
  it.each<[string, string, RegExp | null]>([
    ['a plain address', 'asha.patel@council.test', null],
    ['one script, not Latin', 'анна@council.test', null],
    ['composed accented letters', 'josé@council.test', null],
    ['Han', '山田@council.test', null],
    ['an internationalised domain in its xn-- form', 'a@xn--bcher-kva.test', null],
    ['ASCII symbols', "o'neil+rota_1@council.test", null],
    ['a zero-width space', 'asha\u200b@council.test', /invisible/],
    ['a soft hyphen', 'asha\u00ad@council.test', /invisible/],
    ['a right-to-left override', '\u202easha@council.test', /invisible/],
    ['a word joiner after the domain', 'asha@council.test\u2060', /invisible/],
    ['a control character', 'asha\u0007@council.test', /invisible/],
    ['a no-break space', 'asha\u00a0patel@council.test', /invisible/],
    ['e + combining acute (not composed)', 'jose\u0301@council.test', /composed/],
    ['fullwidth letters', '\uff41sha@council.test', /composed/],
    ['mathematical bold letters', '\u{1d41a}sha@council.test', /composed/],
    ['a one-dot leader for a full stop', 'asha\u2024patel@council.test', /composed/],
    ['a combining mark with no composed form', 'q\u0303@council.test', /combining/],
    ['a strike-through overlay', 'a\u0336sha@council.test', /combining/],
    ['a Cyrillic а among Latin letters', '\u0430sha@council.test', /mix.*Cyrillic, Latin/],
    ['a Greek omicron among Latin letters', 'ash\u03bfk@council.test', /mix/],
    ['a non-ASCII symbol', 'asha\u2010patel@council.test', /ASCII symbols/],
    ['a domain not in ASCII', 'asha@c\u043euncil.test', /domain/],
    ['a domain in Unicode', 'a@bücher.test', /domain/],
  ])('%s (%j)', (_name, address, fault) => {
    const found = emailAddressFault(address);
    if (fault) expect(found).toMatch(fault);
    else expect(found).toBeNull();
  });
});

describe('email addresses a reader cannot tell apart share one look-alike form', () => {
  const plain = 'asha.patel@council.test';
  it.each<[string, string, boolean]>([
    ['the same address', plain, true],
    ['in capitals', 'Asha.Patel@Council.TEST', true],
    ['a zero-width space', 'asha.patel\u200b@council.test', true],
    ['a soft hyphen', 'asha.patel\u00ad@council.test', true],
    ['a right-to-left override', '\u202easha.patel@council.test', true],
    ['a zero-width space after the domain', 'asha.patel@council.test\u200b', true],
    ['e + combining acute', 'asha.pate\u0301l@council.test', true],
    ['composed é', 'asha.pat\u00e9l@council.test', true],
    ['a Cyrillic а among Latin letters', '\u0430sha.patel@council.test', true],
    ['Cyrillic letters throughout the look-alike part', '\u0430\u0455\u04bb\u0430.\u0440\u0430t\u0435l@council.test', true],
    ['a Greek omicron in the domain', 'asha.patel@c\u03bfuncil.test', true],
    ['fullwidth letters', '\uff41sha.patel@council.test', true],
    ['a one-dot leader for the full stop', 'asha\u2024patel@council.test', true],
    ['a digit one for the l', 'asha.pate1@council.test', true],
    ['another name', 'asha.patil@council.test', false],
    ['another domain', 'asha.patel@council.example', false],
    ['a dot fewer', 'ashapatel@council.test', false],
  ])('%s (%j)', (_case, address, same) => {
    expect(emailLookAlikeKey(address) === emailLookAlikeKey(plain)).toBe(same);
  });

  it('"rn" reads as "m", and a digit zero as "o"', () => {
    expect(emailLookAlikeKey('rnorgan@council.test')).toBe(emailLookAlikeKey('morgan@council.test'));
    expect(emailLookAlikeKey('j0@council.test')).toBe(emailLookAlikeKey('jo@council.test'));
  });
});

describe('the addresses held that look like one given: the comparison every look-alike check makes', () => {
  const held = [
    { id: 'plain', email: 'r.morgan@nhs.test' },
    { id: 'other', email: 'r.morgan@nhs.example' },
    { id: 'cyrillic', email: 'r.m\u043ergan@nhs.test' }, // a Cyrillic о, held from before such addresses were refused
  ];
  it.each<[string, string, string[]]>([
    ['the same address', 'r.morgan@nhs.test', ['plain', 'cyrillic']],
    ['rn for m', 'r.rnorgan@nhs.test', ['plain', 'cyrillic']],
    ['a digit zero for the o', 'r.m0rgan@nhs.test', ['plain', 'cyrillic']],
    ['another domain', 'r.morgan@nhs.example', ['other']],
    ['another name', 'r.morgans@nhs.test', []],
  ])('%s (%j)', (_case, address, ids) => {
    expect(lookingAlike(address, held).map((h) => h.id)).toEqual(ids);
  });

  it.each<[string, string, string[]]>([
    ['the same address is not confusable with itself, only with its look-alike', 'r.morgan@nhs.test', ['cyrillic']],
    ['rn for m: both held look like it', 'r.rnorgan@nhs.test', ['plain', 'cyrillic']],
    ['another domain, the very address held', 'r.morgan@nhs.example', []],
    ['another name', 'r.morgans@nhs.test', []],
  ])('confusable: %s (%j)', (_case, address, ids) => {
    expect(confusableWith(address, held).map((h) => h.id)).toEqual(ids);
  });
});
