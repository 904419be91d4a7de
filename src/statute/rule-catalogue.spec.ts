import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';
import {
  FAMILY_TITLES,
  isRuleId,
  REGIMES,
  RULE_IDS,
  RULES,
  ruleCatalogue,
  ruleFamilies,
  ruleFamily,
  type RuleFamily,
} from './rule-catalogue';
import { renderRulesDoc, RULES_DOC_COMMAND, RULES_DOC_PATH } from './rules-doc';

const ROOT = resolve(__dirname, '../..');
/** The shape of a rule id: a family of 2-6 capitals or digits, a hyphen, a two-digit number (APP-04, MHA25-06). */
const NUMBERED = /^[A-Z][A-Z0-9]{1,5}-[0-9]{2}$/;
/** Any id as the value of a rule field (`rule: 'WTR-4'`, `rule: 'ROTA-LEAVE'`, `rules: ['OOH-DA']`). */
const ANY_ID = /^[A-Z][A-Z0-9]{1,5}-[A-Z0-9][A-Z0-9-]*$/;
const RULE_FIELDS = new Set(['rule', 'ruleId', 'rules']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The property name a literal is the value of (`rule: 'X'`, `rules: ['X']`, `{ rule: 'X' satisfies RuleId }`), if any. */
function fieldOf(node: ts.Node): string | undefined {
  let n: ts.Node = node;
  while (ts.isArrayLiteralExpression(n.parent) || ts.isSatisfiesExpression(n.parent) || ts.isConditionalExpression(n.parent)) n = n.parent;
  const p = n.parent;
  if (ts.isPropertyAssignment(p) && p.initializer === n) return p.name.getText();
  return undefined;
}

/** Every string literal in src/** (code, types and tests; comments are not literals) that is shaped like a rule id. */
function ruleLiterals(): Array<{ id: string; where: string }> {
  const found: Array<{ id: string; where: string }> = [];
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        const text = node.text;
        const field = fieldOf(node);
        if (NUMBERED.test(text) || (ANY_ID.test(text) && field !== undefined && RULE_FIELDS.has(field))) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push({ id: text, where: `${relative(ROOT, file)}:${line + 1}` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** Names of standards that share a rule id's shape. */
const NOT_RULES = new Set(['UTF-16']);

describe("the law's catalogue", () => {
  it('knows every rule id written as a string anywhere in src (a finding cannot carry an id GET /rules does not list)', () => {
    const literals = ruleLiterals();
    expect(literals.length).toBeGreaterThan(200);
    expect(literals.filter((l) => !isRuleId(l.id) && !NOT_RULES.has(l.id)).map((l) => `${l.id} at ${l.where}`)).toEqual([]);
  });

  it('knows every numbered rule id that comments and API descriptions in src cite', () => {
    const unknown = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const [id] of readFileSync(file, 'utf8').matchAll(/\b[A-Z][A-Z0-9]{1,5}-[0-9]{2}\b/g))
        if (!isRuleId(id) && !NOT_RULES.has(id)) unknown.add(id);
    }
    expect([...unknown]).toEqual([]);
  });

  it('has a citation, a one-line summary, a severity and a regime for every rule, and a title for every family', () => {
    for (const e of ruleCatalogue()) {
      expect(e.citation.trim()).not.toBe('');
      expect(e.summary).toMatch(/^[A-Z"'].*\.$/);
      expect(e.summary).not.toContain('\n');
      expect(['blocker', 'warning', 'info']).toContain(e.severity);
      expect(Object.keys(REGIMES)).toContain(e.regime);
    }
    for (const family of ruleFamilies()) expect(FAMILY_TITLES[family as RuleFamily]).toBeTruthy();
  });

  it('names the configuration variable that commences each MHA 2025 rule, and no other rule has one', () => {
    const config = readFileSync(join(ROOT, 'src/config/app-config.ts'), 'utf8');
    for (const e of ruleCatalogue()) {
      if (e.family === 'MHA25') {
        expect(e.regime).toBe('mha-2025');
        expect(e.commencement).toMatch(/^MHA2025_[A-Z0-9_]+_FROM$/);
        expect(config).toContain(`'${e.commencement}'`);
      } else {
        expect(e.regime).not.toBe('mha-2025');
        expect(e.commencement).toBeNull();
      }
    }
  });

  it.each([
    [{ family: 'APP' }, (id: string) => id.startsWith('APP-')],
    [{ family: 'MHA25' }, (id: string) => id.startsWith('MHA25-')],
    [{ regime: 'working-time' }, (id: string) => id.startsWith('WTR-')],
    [{ family: 'POL', regime: 'mha-1983' }, (id: string) => id.startsWith('POL-')],
  ])('filters by %j', (filter, expected) => {
    expect(ruleCatalogue(filter).map((e) => e.id)).toEqual(RULE_IDS.filter(expected));
  });

  it('lists each family together, in order, so a family is one table', () => {
    const families = RULE_IDS.map(ruleFamily);
    expect(families).toEqual([...families].sort((a, b) => ruleFamilies().indexOf(a) - ruleFamilies().indexOf(b)));
    expect(Object.keys(RULES)).toEqual([...new Set(Object.keys(RULES))]);
  });
});

describe(RULES_DOC_PATH, () => {
  it(`is what the catalogue renders (else run \`${RULES_DOC_COMMAND}\` and commit it)`, () => {
    let committed = '';
    try {
      committed = readFileSync(join(ROOT, RULES_DOC_PATH), 'utf8');
    } catch {
      // Missing: reported as stale below.
    }
    if (committed !== renderRulesDoc()) {
      throw new Error(
        `${RULES_DOC_PATH} is stale: it differs from src/statute/rule-catalogue.ts. Run \`${RULES_DOC_COMMAND}\` and commit the result.`,
      );
    }
  });

  it('has a table row for every rule', () => {
    const doc = renderRulesDoc();
    for (const id of RULE_IDS) expect(doc).toContain(`| ${id} | ${RULES[id].citation} |`);
  });
});
