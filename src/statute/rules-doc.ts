/**
 * docs/rules.md, rendered from the law's catalogue (rule-catalogue.ts): a table per family. Pure: the text comes
 * out, `npm run docs:rules` (scripts/rules-doc.ts) writes it, and rules-doc.spec.ts fails when the file is stale.
 */
import { FAMILY_TITLES, REGIMES, ruleCatalogue, ruleFamilies, type RuleFamily } from './rule-catalogue';

export const RULES_DOC_PATH = 'docs/rules.md';
export const RULES_DOC_COMMAND = 'npm run docs:rules';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderRulesDoc(): string {
  const all = ruleCatalogue();
  const lines: string[] = [
    "# The law's catalogue",
    '',
    `<!-- Generated from src/statute/rule-catalogue.ts by \`${RULES_DOC_COMMAND}\`: edit the catalogue, not this file. -->`,
    '',
    `Every rule id the hub's findings, warnings, blockers, clocks and deadlines carry: ${all.length} rules. The running`,
    'service serves the same catalogue at `GET /rules` (`?family=APP`, `?regime=mha-1983`) and `GET /rules/{id}`.',
    '',
    'Severity is what the rule does at its worst: **blocker** can refuse the action (a blocker finding, a hard rota or',
    'eligibility finding, a 422); **warning** warns, needs an acknowledgement or an override, or runs a clock that',
    'warns; **info** sets a deadline or shapes a record and raises no finding. An MHA 2025 rule applies only from the',
    'date its configuration variable sets (unset: not commenced). Not legal advice.',
    '',
    '| regime | |',
    '|---|---|',
    ...Object.entries(REGIMES).map(([id, name]) => `| \`${id}\` | ${cell(name)} |`),
  ];
  for (const family of ruleFamilies()) {
    lines.push(
      '',
      `## ${family}: ${FAMILY_TITLES[family as RuleFamily]}`,
      '',
      '| id | citation | rule | severity | regime | commencement |',
      '|---|---|---|---|---|---|',
    );
    for (const r of all.filter((e) => e.family === family)) {
      const commencement = r.commencement === null ? '' : `\`${r.commencement}\``;
      lines.push(`| ${r.id} | ${cell(r.citation)} | ${cell(r.summary)} | ${r.severity} | ${r.regime} | ${commencement} |`);
    }
  }
  return lines.join('\n') + '\n';
}
