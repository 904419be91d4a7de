import { toWinAnsi, winAnsiSafe } from './win-ansi';

describe('text for the PDFs: WinAnsi (cp1252), what the standard fonts print', () => {
  it('one byte per character: cp1252 high characters by their byte, a tab as a space, anything else as ?', () => {
    expect(toWinAnsi('€ 😀\t')).toEqual([0x80, 0x20, 0x3f, 0x20]);
    expect(toWinAnsi('’–…')).toEqual([0x92, 0x96, 0x85]);
  });

  it.each([
    ['a\r\nb 李', 'a\nb ?'],
    ['the person’s decision – “quoted”…', 'the person’s decision – “quoted”…'],
    ['Local target ✱ for emergency referrals', 'Local target * for emergency referrals'],
    ['referral → screening → allocation', 'referral -> screening -> allocation'],
    ['age ≥ 18, ≤ 72 hours, −5 minutes, ≈ 3', 'age >= 18, <= 72 hours, -5 minutes, ~ 3'],
    ['tab\there', 'tab here'],
  ])('%j prints as %j', (text, printed) => {
    expect(winAnsiSafe(text)).toBe(printed);
  });
});
