import type { LegalContextKind } from '../statute/clocks';
import type { REFERRAL_SOURCES } from './referral.entities';

type ReferralSource = (typeof REFERRAL_SOURCES)[number];

/**
 * Words for a referral's codes, wherever a person reads them: the outcome report and letter, the hub's reports and
 * returns. One list each, so "ae-liaison" reads "A&E liaison team" everywhere, never "Ae liaison".
 */
export const REFERRAL_SOURCE_LABELS: Readonly<Record<ReferralSource, string>> = {
  gp: 'GP',
  cmht: 'Community mental health team',
  'crisis-home-treatment': 'Crisis resolution / home treatment team',
  'ae-liaison': 'A&E liaison team',
  ward: 'Hospital ward',
  'police-s136': 'Police (s.136)',
  'police-s135': 'Police (s.135)',
  'nearest-relative': 'Nearest relative (s.13(4) request)',
  'court-prison': 'Court or prison',
  'other-council': 'Another council',
  other: 'Other',
};

/** The legal context a referral arrives under (clocks.ts), in words. */
export const LEGAL_CONTEXT_LABELS: Readonly<Record<LegalContextKind, string>> = {
  informal: 'Informal: no holding power or police power in force',
  s136: 'MHA 1983 s.136: removed by the police to a place of safety',
  's135-1': 'MHA 1983 s.135(1): warrant to enter premises and remove to a place of safety',
  's135-2': 'MHA 1983 s.135(2): warrant to retake a patient already liable to be detained',
  's5-2': "MHA 1983 s.5(2): doctor's or approved clinician's holding power (72 hours)",
  's5-4': "MHA 1983 s.5(4): nurse's holding power (6 hours)",
  'cto-recall': 'MHA 1983 s.17E: community patient recalled to hospital',
  'already-s2': 'Already detained under MHA 1983 s.2',
  'already-s3': 'Already detained under MHA 1983 s.3 or an unrestricted Part 3 hospital order (s.17A(1)-(2))',
};
