import { DEMO_PASSWORD } from '../../src/seed/demo-seed';
import type { TestApp } from './test-app';

/** Signs in as a demo user (the demo's password) over HTTP; the bearer header. */
export async function demoBearer(t: TestApp, email: string): Promise<string> {
  return `Bearer ${(await t.http.post('/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200)).body.accessToken}`;
}

/** The first AMHP on duty now by the demo rota, as the manager (`auth`) sees it, with her sign-in email. */
export async function amhpOnDuty(t: TestApp, auth: string): Promise<{ id: string; email: string; displayName: string; phone: string }> {
  const onDuty = (await t.http.get('/rota/on-duty').set('authorization', auth).expect(200)).body.onDuty as Array<{
    amhps: Array<{ userId: string; displayName: string; phone: string }>;
  }>;
  const first = onDuty.flatMap((s) => s.amhps)[0];
  if (!first) throw new Error('nobody is on duty now in the demo rota');
  const [{ email }] = await t.sql<{ email: string }>('SELECT email FROM users WHERE id = $1', [first.userId]);
  return { id: first.userId, email, displayName: first.displayName, phone: first.phone };
}

/** The id of the demo's open referral for the person with this family name, as the manager (`auth`) sees the queue. */
export async function demoReferral(t: TestApp, auth: string, familyName: string): Promise<string> {
  const queue = (await t.http.get('/referrals').set('authorization', auth).expect(200)).body.items as Array<{
    id: string;
    person: { familyName: string };
  }>;
  const found = queue.find((r) => r.person.familyName === familyName);
  if (!found) throw new Error(`no open demo referral for ${familyName}`);
  return found.id;
}

/**
 * A small borough's two years of history through the services, with this week's demo work (rota, handover, decisions):
 * what the report files read. Seeded once a run as a template (createTestApp's `demo`) and copied for each file.
 */
export const SMALL_BOROUGH_HISTORY = { years: 2, population: 6_000, seed: 11 };
