/**
 * npm run docs:rules: writes docs/rules.md from the law's catalogue (src/statute/rule-catalogue.ts). A unit test
 * (src/statute/rules-doc.spec.ts) fails when the committed file differs, so run this after changing the catalogue.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { renderRulesDoc, RULES_DOC_PATH } from '../src/statute/rules-doc';

const file = resolve(RULES_DOC_PATH);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderRulesDoc());
console.log(`wrote ${file}`);
