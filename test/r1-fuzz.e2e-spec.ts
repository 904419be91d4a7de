import fc from 'fast-check';
import { contractValidator, loadOpenApi, Operation, operations, Schema } from './support/fuzz/contract';
import { WriteProbe } from './support/fuzz/fingerprint';
import { Caller, curl, materialise, Received, requestArb, send } from './support/fuzz/request';
import { IdPool, kindOf, setValidNow } from './support/fuzz/values';
import { amhp } from './support/workforce-fixtures';
import { listRoutes } from './support/routes';
import { ActionPolicy, POLICY } from '../src/access/policy';
import { createTestApp, TestApp } from './support/test-app';
import { TokenService } from '../src/auth/token.service';
import type { Role } from '../src/auth/roles';

/**
 * R1, every request answered: generated requests (valid, at and beyond the bounds, garbage) to every operation of
 * the committed openapi.json, as every role and without a token. Each answer must be a 2xx whose body the contract
 * describes, or a problem+json 4xx that stored nothing; never a 5xx, never a stack trace.
 * `R1_RUNS` sets the number of requests (default 3000; `npm run test:fuzz` sends 50,000); `R1_SEED` replays a run.
 */
const RUNS = Number(process.env.R1_RUNS ?? 3000);
const SEED = process.env.R1_SEED === undefined ? undefined : Number(process.env.R1_SEED);
/** `R1_SURVEY=1`: no shrinking; every failing request is tallied by operation and kind, and the list printed. */
const SURVEY = !!process.env.R1_SURVEY;

/** Tables a refusal may write: the audit of a denial, and the record of a failed sign-in. */
// A refusal is audited (audit_events, its lane's head) and a failed sign-in counted; the audit checkpoints job and a
// full verification of the chain (started by an earlier generated request) write their progress in the background
// while other requests are answered.
const WRITTEN_ON_REFUSAL = new Set(['audit_events', 'audit_chain_heads', 'login_attempts', 'audit_checkpoints', 'audit_verifications']);
const STACK_FRAME = /\n\s+at |\bat [\w.<>]+ \(|(?:\/|\\)(?:src|dist|node_modules)(?:\/|\\)[\w./\\-]+\.[jt]s\b|\.[jt]s:\d+:\d+/;

/**
 * Refusals of a clean request (well-formed by the contract, by a role its policy lets through) that rest on a rule
 * across fields or on facts the contract cannot state in a schema, by operation (or by any operation, `*`): the
 * fields a 400 may name, with why. Anything else refused for its values (400) shows the generator made an invalid
 * "valid" value, or the contract does not say what the server checks.
 */
const ACROSS_FIELDS: Record<string, { fields: string[]; why: string }> = {
  BreakGlassController_open: { fields: ['personId', 'referralId', 'assessmentId'], why: 'exactly one of the three' },
  ActionsController_create: { fields: ['ownerUserId', 'ownerTeam'], why: 'an owner: a user or a team, one of them' },
  PeopleController_search: {
    fields: ['familyName', 'dateOfBirth', 'nhsNumber'],
    why: 'an NHS number, or a family name with a date of birth',
  },
  AssessmentsController_outcome: { fields: ['*'], why: 'the fields of the outcome its kind records' },
  ReferralsController_create: {
    fields: ['legalContext.*', 'person', 'personId'],
    why: 'the fields of the legal context its kind records; the person, or the id of one on record',
  },
  ReferralsController_extend: {
    fields: ['authorisingDoctor', 'authorisingDoctor.*', 'authorisedBy'],
    why: 'the doctor: one on the register by id, or a name with a GMC number',
  },
  AssessmentsController_recommendation: {
    fields: ['statedApproval', 'doctorName', 'gmcNumber', 'doctorId'],
    why: 'the doctor: one on the register by id, or a name and number with the approval stated',
  },
  AssessmentsController_event: {
    fields: ['executionAttendance.*'],
    why: "who attended a warrant's execution: an AMHP of the hub's by id or one named; a doctor on the register by id, or a name with a GMC number",
  },
  AssessmentsController_eventTime: {
    fields: ['at', 'executionAttendance', 'executionAttendance.*'],
    why: "what is corrected: the time, a warrant executed's attendance, or both; who attended: an AMHP of the hub's by id or one named; a doctor on the register by id, or a name with a GMC number",
  },
  AssessmentsController_s4Lapse: { fields: ['details'], why: 'what happened after, when it was something other' },
  DoctorsController_list: { fields: ['kind', 'approvedOn'], why: 'an approval kind asks for the day it must cover' },
  ReferralsController_detentionEnd: {
    fields: ['at', 'by', 'details', 'nearestRelativeNoticeAt', 'barredAt'],
    why: 'the facts its kind needs',
  },
  AssessmentsController_detentionEnd: {
    fields: ['at', 'by', 'details', 'nearestRelativeNoticeAt', 'barredAt'],
    why: 'the facts its kind needs',
  },
  ReferralsController_policeRecord: {
    fields: ['policeConsultation', 'executionAttendance', 'executionAttendance.*', 'warrantExecutedAt'],
    why: "the record the referral's power keeps: a s.136's consultation, a s.135's attendance (with a s.135(2)'s time when it has none); the doctor who attended on the register by id, or a name with a GMC number",
  },
  AuthController_refresh: { fields: ['refreshToken'], why: 'in the body, or the refresh cookie the app is given' },
  CalendarController_create: { fields: ['practitionerId'], why: "one practitioner's feed names her; the hub's names none" },
  PlannerController_createPreference: { fields: ['weight'], why: 'a weight of 0 says nothing, inside its range' },
};
const across = (operationId: string, field: string): boolean =>
  (ACROSS_FIELDS[operationId]?.fields ?? []).some((f) => f === '*' || (f.endsWith('.*') ? field.startsWith(f.slice(0, -1)) : f === field));
/** A report's 400 for a filter or figure it does not have: the contract lists the filters every report shares. */
const NOT_OF_THIS_REPORT = /^(does not apply to this report|is not a figure of this report)$/;

describe('R1: every request is answered by the contract (generated requests, every operation, every role)', () => {
  let t: TestApp;
  let port: number;
  const doc = loadOpenApi();
  const validator = contractValidator(doc);
  const ops = operations(doc);
  const pool = new IdPool();
  const tokens: Record<Caller, string | undefined> = { admin: '', manager: '', amhp: '', referrer: '', auditor: '', none: undefined };
  const tally: Record<string, number> = {};
  const users: Partial<Record<Caller, { id: string; roles: Role[] }>> = {};
  const survey = new Map<string, string>();
  const cleanTally = new Map<string, number>();

  const NOW = '2026-11-21T12:00:00Z';
  beforeAll(async () => {
    setValidNow(NOW);
    t = await createTestApp({
      now: NOW,
      env: { ACCESS_TOKEN_TTL_SECONDS: '86400', ...(SURVEY ? { LOG_LEVEL: 'error' } : {}) },
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
    const manager = await t.user(['manager']);
    const worker = await amhp(t);
    const referrer = await t.user(['referrer']);
    const admin = await t.user(['admin']);
    const auditor = await t.user(['auditor']);
    for (const u of [admin, manager, worker, referrer, auditor]) pool.excluded.add(u.id);
    // Accounts the generated requests may act on (allocate to, change, disable): not the callers'.
    const other = await amhp(t);
    pool.add(other.id, 'user');
    pool.add(other.practitionerId, 'practitioner');
    pool.add((await t.user(['manager'])).id, 'user');
    users.admin = admin;
    users.manager = manager;
    users.amhp = worker;
    users.referrer = referrer;
    users.auditor = auditor;
    tokens.admin = admin.token;
    tokens.manager = manager.token;
    tokens.amhp = worker.token;
    tokens.referrer = referrer.token;
    tokens.auditor = auditor.token;
    // A few real records, so that generated ids sometimes name real rows.
    const post = async (token: string, path: string, body: object) => {
      const res = await t.http.post(path).set('authorization', `Bearer ${token}`).send(body);
      if (res.status >= 300) throw new Error(`setup ${path}: ${res.status} ${res.text}`);
      pool.collect(
        res.body,
        kindOf(
          path
            .split('/')
            .filter((x) => x)
            .at(-1) ?? '',
        ),
      );
      return res.body as { id: string };
    };
    const referralBody = {
      person: { givenName: 'Robin', familyName: 'Fuzz', dateOfBirth: '1980-01-02' },
      source: 'gp',
      referrer: { name: 'Dr Whitfield' },
      reason: 'Relapse of psychosis, not taking medication.',
      risks: { toSelf: true, toOthers: false, fromOthers: false },
      urgency: 'urgent',
      legalContext: { kind: 'informal' },
      receivedAt: '2026-11-21T09:00:00Z',
    };
    const person = await post(manager.token, '/people', { givenName: 'Alex', familyName: 'Fuzz', dateOfBirth: '1990-05-06' });
    await post(manager.token, '/decisions', { type: 'other', occurredAt: '2026-11-21T11:00:00Z', personId: person.id });
    const [doctor] = await t.sql<{ id: string }>(`INSERT INTO doctors (name, gmc_number) VALUES ('Dr Fuzz', '7000009') RETURNING id`);
    pool.add(doctor.id, 'doctor');
    await post(referrer.token, '/referrals', referralBody);
    const referral = await post(manager.token, '/referrals', referralBody);
    await post(manager.token, `/referrals/${referral.id}/status`, { status: 'screening' });
    await post(manager.token, `/referrals/${referral.id}/status`, { status: 'accepted' });
    await post(manager.token, `/referrals/${referral.id}/allocation`, { userId: worker.id });
    await post(worker.token, '/assessments', { referralId: referral.id, location: 'Home', openedAt: '2026-11-21T10:00:00Z' });
    const second = await post(manager.token, '/referrals', { ...referralBody, urgency: 'routine' });
    await post(manager.token, `/referrals/${second.id}/status`, { status: 'screening' });
  });
  afterAll(async () => {
    await t?.close();
  });

  function problems(op: Operation, res: Received, written: Record<string, number>): string[] {
    const out: string[] = [];
    const type = String(res.headers['content-type'] ?? '');
    if (res.status >= 500) out.push(`answered ${res.status}`);
    if (STACK_FRAME.test(res.text)) out.push('the body carries a stack trace or a file path');
    if (res.status >= 400) {
      if (!type.startsWith('application/problem+json')) out.push(`an error as ${type || 'no content type'}, not application/problem+json`);
      let body: { status?: unknown } | undefined;
      try {
        body = JSON.parse(res.text);
      } catch {
        out.push('an error body that is not JSON');
      }
      if (body && body.status !== res.status) out.push(`problem status ${JSON.stringify(body.status)} differs from HTTP ${res.status}`);
      const stored = Object.keys(written).filter((key) => !WRITTEN_ON_REFUSAL.has(key.split(' ')[0]));
      if (stored.length) out.push(`a ${res.status} stored rows in ${stored.map((s) => `${s} (${written[s]})`).join(', ')}`);
    }
    // 414 and 431 answer the size of the URL or the headers, before any route: no operation declares them.
    if (!op.responses[String(res.status)] && res.status !== 414 && res.status !== 431 && res.status < 500) {
      out.push(`status ${res.status} is not declared`);
    }
    if (res.status >= 200 && res.status < 300 && type.startsWith('application/json')) {
      const schema: Schema | undefined = op.responses[String(res.status)]?.content?.['application/json']?.schema;
      if (!schema) out.push(`a ${res.status} JSON body where the contract declares none`);
      else {
        const validate = validator(schema);
        tally.validated = (tally.validated ?? 0) + 1;
        if (!validate(JSON.parse(res.text))) {
          out.push(
            `the ${res.status} body does not match its schema: ${validate
              .errors!.slice(0, 5)
              .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
              .join('; ')}`,
          );
        }
      }
    }
    return out;
  }

  /**
   * Why a clean request's answer is not one a well-formed request may get: accepted (2xx), or refused for a reason of
   * state: what its ids name (404), a conflict or a stale version (409, 412), a rule (422, with its code), or (403) a
   * record not the caller's when her role reaches only her own or her people's. Never for its values
   * (400, save ACROSS_FIELDS and NOT_OF_THIS_REPORT), never unauthenticated (401, but a wrong password at sign-in).
   */
  function cleanProblem(op: Operation, res: Received): string | undefined {
    if (res.status < 400 || [404, 409, 412].includes(res.status)) return undefined;
    let body: { code?: string; errors?: Array<{ field: string; messages: string[] }> };
    try {
      body = JSON.parse(res.text);
    } catch {
      return `a clean request answered ${res.status} without a problem body`;
    }
    if (res.status === 422) return body.code ? undefined : 'a clean request refused 422 without a code';
    // The record is not the caller's, nor of her people (her role reaches those only), or her password was wrong.
    if (res.status === 403) return undefined;
    if (res.status === 401 && !op.secured) return undefined;
    // Sign-in's limit on attempts (the run signs in with made-up passwords many times): a refusal of state, with Retry-After.
    if (res.status === 429 && body.code === 'too-many-requests' && res.headers['retry-after']) return undefined;
    // A stream answers its own content type only.
    if (res.status === 406 && !op.responses['200']?.content?.['application/json']) return undefined;
    if (res.status === 400 && body.errors?.length) {
      const explained = body.errors.every((e) => across(op.operationId, e.field) || e.messages.every((m) => NOT_OF_THIS_REPORT.test(m)));
      if (explained) return undefined;
    }
    return `a clean request was refused ${res.status} ${body.code ?? ''} (${(body.errors ?? []).map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')})`;
  }

  it(
    `answers ${RUNS} generated requests with a 2xx the contract describes or a problem+json 4xx that stores nothing`,
    async () => {
      const started = Date.now();
      const probe = new WriteProbe(t, WRITTEN_ON_REFUSAL);
      await probe.init();
      // The roles each route's policy lets through (src/access/policy.ts), for the clean requests.
      const policies = new Map(listRoutes(t.app).map((r) => [`${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`, r.policy]));
      const allowedCallers = (op: Operation): Caller[] => {
        const action = policies.get(`${op.method} ${op.path}`)?.action;
        const rule: ActionPolicy | undefined = action ? POLICY[action] : undefined;
        if (!rule) return [];
        if (rule.anyAuthenticated) return ['admin', 'manager', 'amhp', 'referrer', 'auditor'];
        return [...new Set<Caller>([...(rule.roles ?? []), ...Object.keys(rule.person ?? {}), ...(rule.ownRoles ?? [])] as Caller[])];
      };
      const arbs = ops.map((op) => requestArb(op, doc, allowedCallers(op)));
      // Signing in and changing a password hash on purpose (slow by design): those operations are drawn less often.
      const slowByDesign = (op: Operation) => op.path.startsWith('/auth/') && op.method === 'POST';
      const arb = fc.oneof(...ops.map((op, i) => ({ weight: slowByDesign(op) ? 1 : 5, arbitrary: arbs[i] })));
      await fc.assert(
        fc.asyncProperty(arb, async (spec) => {
          const op = ops.find((o) => o.operationId === spec.operation)!;
          const sent = materialise(spec, pool, tokens);
          const write = spec.method !== 'GET';
          const mark = write ? await probe.mark() : '0';
          let res = await send(port, sent);
          // A generated request may end a caller's own session (signing out, a password changed): she signs in again,
          // and the request is sent again as her, so that what follows is not answered 401 for that.
          if (res.status === 401 && spec.caller !== 'none' && users[spec.caller]) {
            const u = users[spec.caller]!;
            tokens[spec.caller] = (await t.app.get(TokenService).issueAccessToken(u.id, u.roles, t.clock.now())).token;
            res = await send(port, materialise(spec, pool, tokens));
          }
          const written = write && res.status >= 400 ? await probe.writtenSince(mark) : {};
          const klass = `${Math.floor(res.status / 100)}xx`;
          tally[klass] = (tally[klass] ?? 0) + 1;
          if (SURVEY && spec.mode === 'clean') {
            const key = `${res.status} ${res.status >= 400 ? (JSON.parse(res.text) as { code?: string }).code : ''}`;
            cleanTally.set(key, (cleanTally.get(key) ?? 0) + 1);
          }
          if (res.status < 300 && res.headers['content-type']?.toString().startsWith('application/json')) {
            const segments = op.path.split('/').filter((x) => x && !x.startsWith('{'));
            pool.collect(JSON.parse(res.text), kindOf(segments.at(-1) ?? ''));
          }
          const found = problems(op, res, written);
          // A clean request by a role its policy lets through (or to an open route) is answered as a valid one.
          if (spec.mode === 'clean' && (op.secured ? allowedCallers(op).includes(spec.caller) : spec.caller === 'none')) {
            const refused = cleanProblem(op, res);
            if (refused) found.push(refused);
            tally.clean = (tally.clean ?? 0) + 1;
          }
          if (found.length && SURVEY) {
            for (const f of found) {
              const perOperation = res.status >= 500 || res.status < 300 || f.includes('stored');
              const key = `${perOperation ? spec.operation : 'any'} ${res.status} ${f.replace(/\d+/g, 'N').slice(0, 300)}`;
              if (!survey.has(key)) survey.set(key, `${curl(sent, spec.caller).slice(0, 700)} → ${res.text.slice(0, 400)}`);
            }
          } else if (found.length) {
            throw new Error(
              `${spec.operation} as ${spec.caller}: ${found.join('; ')}\n  ${curl(sent, spec.caller)}\n  → ${res.status} ${res.text.slice(0, 600)}`,
            );
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      const seconds = (Date.now() - started) / 1000;
      console.log(`R1: ${RUNS} requests in ${seconds.toFixed(1)} s: ${JSON.stringify(tally)}`);
      if (SURVEY) {
        console.log('clean requests by status and code', JSON.stringify([...cleanTally].sort((a, b) => b[1] - a[1])));
        if (survey.size) console.log([...survey].map(([k, v]) => `${k}\n    ${v}`).join('\n'));
      }
      expect([...survey.keys()]).toEqual([]);
    },
    120_000 + RUNS * 200,
  );
});
