import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REFERRAL_STATUSES } from '../referrals/referral.workflow';
import { DISPLACEMENT_TRANSITIONS } from '../people/relatives.service';
import {
  DISPLACEMENT_MOVE_STATUSES,
  EVENT_CATALOGUE,
  REFERRAL_MOVE_STATUSES,
  eventCatalogueMarkdown,
  eventCatalogueSchemas,
  eventSchemaName,
} from './catalogue';

const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The text of each `emit(` call: from `emit(` to its balanced closing parenthesis. */
function emitCalls(text: string): string[] {
  const calls: string[] = [];
  const re = /\bemit\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (/\basync\s+$/.test(text.slice(Math.max(0, m.index - 20), m.index))) continue; // a method declaration, not a call
    let depth = 0;
    let i = m.index + m[0].length - 1;
    for (; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    calls.push(text.slice(m.index, i + 1));
  }
  return calls;
}

/**
 * The event types each file emits, as written: `type: '<literal>'` in an `emit(m, {...})` call, the second argument
 * of a local `this.emit(m, '<literal>', ...)` helper (rota swaps and leave), and the template and variable types,
 * returned as their source text so the test can insist each is known.
 */
function emittedTypes(): { literals: Map<string, string>; dynamic: Set<string> } {
  const literals = new Map<string, string>();
  const dynamic = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(SRC, file);
    for (const call of emitCalls(text)) {
      const helper = /^emit\(\s*\w+\s*,\s*(['`])([^'`]+)\1/.exec(call);
      if (helper) {
        if (helper[1] === "'") literals.set(helper[2], where);
        else dynamic.add(`${where}: \`${helper[2]}\``);
        continue;
      }
      const typeProp = /\btype\s*:\s*([^,\n]+?)\s*,\s*aggregateType/.exec(call) ?? /\btype\s*:\s*([^,\n]+?)\s*,/.exec(call);
      if (!typeProp) {
        if (/\{\s*type\s*,/.test(call)) dynamic.add(`${where}: type`); // shorthand { type, ... } from a variable
        continue;
      }
      const expr = typeProp[1];
      const quoted = [...expr.matchAll(/'([^']+)'/g)].map((q) => q[1]);
      for (const q of quoted) literals.set(q, where);
      const templates = [...expr.matchAll(/`([^`]+)`/g)].map((q) => q[1]);
      for (const t of templates) dynamic.add(`${where}: \`${t}\``);
      if (!quoted.length && !templates.length) dynamic.add(`${where}: ${expr}`);
    }
  }
  return { literals, dynamic };
}

const catalogued = new Set(EVENT_CATALOGUE.map((e) => e.type));

describe('event catalogue', () => {
  it('has one entry per type, each with an aggregate, a summary and a payload', () => {
    expect(catalogued.size).toBe(EVENT_CATALOGUE.length);
    for (const e of EVENT_CATALOGUE) {
      expect(e.type).toMatch(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/);
      expect(e.aggregateType).toMatch(/^[a-z-]+$/);
      expect(e.summary.trim().length).toBeGreaterThan(5);
      expect(Object.keys(e.payload).length).toBeGreaterThan(0);
    }
  });

  it('catalogues every literal event type emitted in src/', () => {
    const { literals } = emittedTypes();
    expect(literals.size).toBeGreaterThan(30);
    const missing = [...literals].filter(([type]) => !catalogued.has(type)).map(([type, file]) => `${type} (${file})`);
    expect(missing).toEqual([]);
  });

  it('knows every template or variable event type, and catalogues each concrete value', () => {
    const { dynamic } = emittedTypes();
    // A new dynamic type fails here: read the call site, add its concrete values to the catalogue and to this list.
    expect([...dynamic].sort()).toEqual([
      'assessments/assessments.service.ts: action',
      'people/relatives.service.ts: `nearest-relative.displacement-${status}`',
      'referrals/referrals.service.ts: `referral.${dto.status}`',
      'referrals/referrals.service.ts: `referral.${to}`',
      'rota/leave.service.ts: type',
      'rota/swaps.service.ts: `rota.swap.${status}`',
      'rota/swaps.service.ts: type',
    ]);
    const concrete = [
      // referrals.service move (any status but received and allocated) and moveForAssessment
      ...REFERRAL_STATUSES.filter((s) => s !== 'received' && s !== 'allocated').map((s) => `referral.${s}`),
      // assessments.service change(..., action, ...)
      ...[
        'update',
        'event',
        'contact',
        'recommendation',
        'recommendation-withdrawn',
        'nearest-relative',
        'conflicts',
        'outcome',
        's4-conversion',
        'close',
      ].map((a) => `assessment.${a}`),
      // relatives.service: every status a displacement can move to
      ...[...new Set(Object.values(DISPLACEMENT_TRANSITIONS).flat())].map((s) => `nearest-relative.displacement-${s}`),
      // swaps.service close(): declined | cancelled
      'rota.swap.declined',
      'rota.swap.cancelled',
    ];
    expect(concrete.filter((t) => !catalogued.has(t))).toEqual([]);
    // And nothing catalogued that is never emitted.
    const emitted = new Set([...emittedTypes().literals.keys(), ...concrete]);
    expect([...catalogued].filter((t) => !emitted.has(t))).toEqual([]);
    expect([...REFERRAL_MOVE_STATUSES].sort()).toEqual(REFERRAL_STATUSES.filter((s) => s !== 'received' && s !== 'allocated').sort());
    expect([...DISPLACEMENT_MOVE_STATUSES].sort()).toEqual([...new Set(Object.values(DISPLACEMENT_TRANSITIONS).flat())].sort());
  });

  it('the assessment actions listed are exactly those passed to change() in assessments.service', () => {
    const text = readFileSync(join(SRC, 'assessments', 'assessments.service.ts'), 'utf8');
    const actions = [...text.matchAll(/this\.change\([^,]+,[^,]+,[^,]+,\s*'([^']+)'/g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(5);
    expect(actions.filter((a) => !catalogued.has(a))).toEqual([]);
  });

  it('builds sorted OpenAPI schemas with required fields that exist, and a markdown table', () => {
    const schemas = eventCatalogueSchemas();
    expect(Object.keys(schemas)).toEqual([...catalogued].sort());
    for (const [type, s] of Object.entries(schemas)) {
      expect(s.type).toBe('object');
      expect(s.description).toContain(type);
      for (const r of s.required) expect(s.properties[r]).toBeDefined();
    }
    expect(schemas['referral.closed'].required).toEqual(['from', 'referralId', 'to']);
    expect(eventSchemaName('nearest-relative.displacement-interim-order')).toBe('Event_nearest_relative_displacement_interim_order');
    const md = eventCatalogueMarkdown().split('\n');
    expect(md[0]).toBe('| Event | Aggregate | Summary |');
    expect(md.length).toBe(EVENT_CATALOGUE.length + 2);
  });
});
