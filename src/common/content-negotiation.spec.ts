import { negotiateFormat } from './content-negotiation';

const REPORT = { json: 'application/json', html: 'text/html', pdf: 'application/pdf' } as const;
const LETTER = { html: 'text/html', text: 'text/plain', pdf: 'application/pdf' } as const;

describe('choosing a rendering from ?format= and the Accept header', () => {
  it.each([
    ['the query decides over the header', REPORT, 'pdf', 'text/html', 'pdf'],
    ['no header: the first format', REPORT, undefined, undefined, 'json'],
    ["a browser's header: HTML", REPORT, undefined, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['a PDF viewer: PDF', REPORT, undefined, 'application/pdf', 'pdf'],
    ['the higher q-value wins', REPORT, undefined, 'application/pdf;q=0.5, text/html', 'html'],
    ['a type refused with q=0 is not chosen', REPORT, undefined, 'application/pdf;q=0', 'json'],
    ['a tie goes to the first format', LETTER, undefined, 'text/plain, text/html', 'html'],
    ['the letter as plain text', LETTER, undefined, 'text/plain', 'text'],
    ['none named: the letter is HTML', LETTER, undefined, 'image/png', 'html'],
  ] as const)('%s', (_name, media, format, accept, expected) => {
    expect(negotiateFormat<string>(format, accept, media)).toBe(expected);
  });
});
