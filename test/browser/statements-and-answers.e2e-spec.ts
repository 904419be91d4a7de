import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TokenService } from '../../src/auth/token.service';
import { CTO_STATEMENT_DECISIONS } from '../../src/statute/cto-extension.rules';
import { s136Referral, sent } from '../support/referral-fixtures';
import { amhp } from '../support/workforce-fixtures';
import { createTestApp, TEST_PASSWORD, TestApp, TestUser } from '../support/test-app';
import { axeViolations, consoleErrors, launchBrowser, phoneContext, screenshot, signalOf, tapSendNow, until } from './browser';

/**
 * What the duty phone lets its users give the hub after the fact, on a poor signal: the AMHP allocated a responsible
 * clinician's request makes her statement on extending a community treatment order (CTO-04, s.20A(8), form CTO7), and
 * the police officer who sent a s.136 or s.135 referral gives the police's answer about how the power was used (POL-06,
 * s.136(1C); POL-02, s.135(4)). Each through the app's outbox: kept on the phone without a signal and sent when it is
 * back; the service's refusals against their fields. In a real Chromium on a phone-sized screen against the real
 * service, its listener closed where there is no signal. It is Sat 11 Jul 2026, 09:00 BST.
 */
describe('statements and answers given on the duty phone after the fact', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  let signal: ReturnType<typeof signalOf>;
  let manager: TestUser;
  let ada: TestUser;
  let police: TestUser;

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await createTestApp({ now: '2026-07-10T08:00:00Z', listen: true, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    signal = signalOf(t.app.getHttpServer());
    manager = await t.user(['manager']);
    ada = await amhp(t, { displayName: 'Ada Amhp' });
    police = await t.user(['referrer'], { displayName: 'PC Dana Reeve' });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await signal?.restore();
    await t?.close();
  });

  const as = (u: TestUser) => ({
    get: (p: string) => t.http.get(p).set('authorization', u.auth),
    post: (p: string) => t.http.post(p).set('authorization', u.auth),
  });

  /**
   * A CTO extension request the manager made for a new patient (`givenName` `family`, the RC's examination on 1 July)
   * and allocated to `amhpUserId`: its id.
   */
  async function allocatedRequest(
    family: string,
    amhpUserId: string,
    { ctoMadeOn = '2026-01-14', ctoExpiresOn = '2026-07-13', givenName = 'Bea' } = {},
  ): Promise<string> {
    const person = await as(manager).post('/people').send({ givenName, familyName: family }).expect(201);
    const created = await as(manager)
      .post('/cto-extensions')
      .send({ personId: person.body.id, responsibleClinician: 'Dr A Khan', ctoMadeOn, ctoExpiresOn, rcExaminedOn: '2026-07-01' })
      .expect(201);
    await as(manager).post(`/cto-extensions/${created.body.id}/allocation`).send({ amhpUserId }).expect(200);
    return created.body.id;
  }

  /** The service's clock moved to `iso`, with the test's own tokens issued then. */
  async function moveTo(iso: string): Promise<void> {
    t.clock.set(iso);
    for (const u of [manager, ada, police]) {
      const { token } = await t.app.get(TokenService).issueAccessToken(u.id, u.roles);
      Object.assign(u, { token, auth: `Bearer ${token}` });
    }
  }

  async function signedIn(user: TestUser, name: string): Promise<Page> {
    const context = await phoneContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    await page.clock.install({ time: t.clock.now() });
    const own = consoleErrors(page);
    page.on('close', () => errors.push(...own));
    await page.goto(`${t.url}/app/`);
    await page.fill('#email', user.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.app-header__user', { hasText: name }).waitFor();
    return page;
  }

  async function accessible(page: Page, name: string): Promise<void> {
    await screenshot(page, `after-the-fact-${name}`);
    expect(await axeViolations(page)).toEqual([]);
  }

  describe('the AMHP allocated requests for her statement on extending a CTO', () => {
    let page: Page;
    /** Request id by patient's family name. */
    const requests: Record<string, string> = {};
    const reasons = 'Engaging with the community team; relapses within weeks whenever medication stops.';
    const statementOf = async (name: string) =>
      (
        await t.sql<{ status: string; decision: string | null }>('SELECT status, decision FROM cto_extensions WHERE id = $1', [
          requests[name],
        ])
      )[0];

    beforeAll(async () => {
      // Made on the day (s.20A(1)): each first period ends six months later, the day before (CTO-04).
      const made = { Community: '2026-01-15', Bramble: '2026-01-12', Lapse: '2026-01-11', Elsewhere: '2026-01-14' };
      const other = await amhp(t, { displayName: 'Oli Other' });
      for (const [family, ctoMadeOn] of Object.entries(made)) {
        const ctoExpiresOn = { Community: '2026-07-14', Bramble: '2026-07-11', Lapse: '2026-07-10', Elsewhere: '2026-07-13' }[family]!;
        requests[family] = await allocatedRequest(family, family === 'Elsewhere' ? other.id : ada.id, {
          ctoMadeOn,
          ctoExpiresOn,
          givenName: family === 'Community' ? 'Cara' : 'Bea',
        });
      }
      // Overnight the day of the CTO made on 11 Jan ends (Fri 10 Jul): that request lapses without a statement.
      await moveTo('2026-07-11T08:00:00Z');
      page = await signedIn(ada, 'Ada Amhp');
    }, 60_000);

    it('Now says how many requests wait for her statement and which lapsed, and links to them', async () => {
      const link = page.locator('[data-cto-count]');
      await link.waitFor();
      await expect(link.textContent()).resolves.toBe('2 requests wait for your statement');
      const section = page.locator('section', { has: page.getByRole('heading', { name: 'CTO extension statements' }) });
      await expect(section.textContent()).resolves.toContain('The soonest is due by the end of Sat 11 Jul.');
      await expect(section.textContent()).resolves.toContain('1 lapsed without your statement.');
      await accessible(page, 'cto-1-now');
      await link.click();
      await page.getByRole('heading', { name: 'CTO extension statements', level: 1 }).waitFor();
    });

    it('lists her open requests, the soonest due first, each with the patient, the last day of the CTO and when the statement is due', async () => {
      const cards = page.locator('[data-cto]');
      await cards.first().waitFor();
      await expect(cards.evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { cto: string } }).dataset.cto))).resolves.toEqual(
        [requests.Lapse, requests.Bramble, requests.Community],
      );
      const bea = cards.nth(1);
      await expect(bea.getByRole('link').textContent()).resolves.toBe('Bea Bramble');
      await expect(bea.textContent()).resolves.toContain("The CTO's current period ends Sat 11 Jul");
      await expect(bea.textContent()).resolves.toContain('Statement due by the end of Sat 11 Jul');
      await expect(cards.nth(0).textContent()).resolves.toContain('Lapsed: the CTO ended at the end of Fri 10 Jul without the statement.');
      // Another AMHP's request is not hers to list.
      await expect(page.locator('#main').textContent()).resolves.not.toContain('Elsewhere');
      await accessible(page, 'cto-2-list');
    });

    it('a lapsed request says so and offers no form', async () => {
      await page.locator(`[data-cto="${requests.Lapse}"]`).getByRole('link').click();
      await page.getByRole('heading', { name: 'Bea Lapse', level: 1 }).waitFor();
      await expect(page.locator('#statement-lapsed').textContent()).resolves.toContain(
        'The CTO expired at the end of Fri 10 Jul without a statement: it was not extended and has ended.',
      );
      await expect(page.locator('#decision').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Make the statement' }).count()).resolves.toBe(0);
      await accessible(page, 'cto-3-lapsed');
    });

    it('the statement form offers what the service takes, and its refusals come back against their fields', async () => {
      await page.goto(`${t.url}/app/#/cto-extensions/${requests.Community}`);
      await page.getByRole('heading', { name: 'Cara Community', level: 1 }).waitFor();
      await expect(page.locator('#main').textContent()).resolves.toContain('Statement due by the end of Tue 14 Jul');
      // Agree or not, as the service's own list, and nothing else.
      const offered = await page
        .locator('input[name="decision"]')
        .evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value));
      expect(offered).toEqual([...CTO_STATEMENT_DECISIONS]);

      await page.getByRole('button', { name: 'Make the statement' }).click();
      await expect(page.locator('#decision-error').textContent()).resolves.toContain('Choose whether you agree.');
      await page.check('#decision');
      await page.fill('#reasons', 'Still unwell.');
      await page.getByRole('button', { name: 'Make the statement' }).click();
      await page.locator('#reasons-error').waitFor();
      await expect(page.locator('#reasons-error').textContent()).resolves.toContain('Give your reasons (at least 20 characters).');

      // Signed before the hub had the request: the service's refusal, against when she signed.
      await page.fill('#reasons', reasons);
      await page.fill('#signedAt', '2026-07-09T10:00');
      await page.getByRole('button', { name: 'Make the statement' }).click();
      await page.locator('#signedAt-error').waitFor();
      await expect(page.locator('#signedAt-error').textContent()).resolves.toContain(
        'You cannot have signed it before the hub received the request (Fri 10 Jul, 09:00 BST).',
      );
      await expect(page.locator('#statement-errors-title').count()).resolves.toBe(1);
      await accessible(page, 'cto-4-refused');
      expect(await statementOf('Community')).toEqual({ status: 'allocated', decision: null });
    });

    it('without a signal the statement is saved on the phone, and sent when the signal is back', async () => {
      await page.fill('#signedAt', '');
      await signal.cut();
      await page.getByRole('button', { name: 'Make the statement' }).click();
      const notice = page.locator('#statement-notice');
      await notice.waitFor({ timeout: 15_000 });
      await expect(notice.textContent()).resolves.toContain('Your statement: saved on this phone, not sent yet.');
      await accessible(page, 'cto-5-saved');
      expect(await statementOf('Community')).toEqual({ status: 'allocated', decision: null });

      await signal.restore();
      await tapSendNow(page);
      await until(async () => (await statementOf('Community')).decision !== null, 15_000);
      expect(await statementOf('Community')).toEqual({ status: 'agreed', decision: 'agree' });
      // Read again once sent: the statement made, and no form.
      const made = page.locator('#statement-made');
      await made.waitFor({ timeout: 15_000 });
      await expect(made.textContent()).resolves.toContain('agreed');
      await expect(made.textContent()).resolves.toContain('The CTO may be extended to the end of Thu 14 Jan');
      await expect(page.getByRole('button', { name: 'Make the statement' }).count()).resolves.toBe(0);
    });

    it('opened without a signal, her requests and the patient show from the phone, and the statement made there is sent when the signal is back', async () => {
      const id = await allocatedRequest('Fieldfare', ada.id, { ctoMadeOn: '2026-01-16', ctoExpiresOn: '2026-07-15', givenName: 'Dee' });
      requests.Fieldfare = id;
      // The live stream tells her phone of it, which reads its job pack again: the request and its patient are kept.
      const kept = () =>
        page.evaluate<boolean>(
          `import(document.querySelector('script[type=module]').src.replace(/main\\.js$/, 'pack.js')).then((m) => {
            const pack = m.keptPack();
            return Boolean(pack && (pack.ctoRequests || []).some((c) => c.request.id === '${id}' && c.person.familyName === 'Fieldfare'));
          })`,
        );
      await until(kept, 15_000);
      await signal.cut();
      try {
        await page.goto(`${t.url}/app/#/cto-extensions`);
        const card = page.locator(`[data-cto="${id}"]`);
        await card.waitFor({ timeout: 15_000 });
        await expect(card.getByRole('link').textContent()).resolves.toBe('Dee Fieldfare');
        await card.getByRole('link').click();
        await page.getByRole('heading', { name: 'Dee Fieldfare', level: 1 }).waitFor();
        await expect(page.locator('#main').textContent()).resolves.toContain('Statement due by the end of Wed 15 Jul');
        await page.check('#decision');
        await page.fill('#reasons', reasons);
        await page.getByRole('button', { name: 'Make the statement' }).click();
        const notice = page.locator('#statement-notice');
        await notice.waitFor({ timeout: 15_000 });
        await expect(notice.textContent()).resolves.toContain('Your statement: saved on this phone, not sent yet.');
        expect(await statementOf('Fieldfare')).toEqual({ status: 'allocated', decision: null });
      } finally {
        await signal.restore();
      }
      await tapSendNow(page);
      await until(async () => (await statementOf('Fieldfare')).decision !== null, 15_000);
      expect(await statementOf('Fieldfare')).toEqual({ status: 'agreed', decision: 'agree' });
    });

    it('a request reallocated to her again meanwhile still takes her statement; one reallocated to another AMHP says so against the form', async () => {
      await page.goto(`${t.url}/app/#/cto-extensions/${requests.Bramble}`);
      await page.getByRole('heading', { name: 'Bea Bramble', level: 1 }).waitFor();
      await page.locator('#decision').waitFor();
      // Allocated to her again after she opened it (its version moves on; nothing she states on changed).
      await as(manager).post(`/cto-extensions/${requests.Bramble}/allocation`).send({ amhpUserId: ada.id }).expect(200);
      await page.check('#decision-disagree');
      await page.fill('#reasons', 'Living well without the conditions since the spring; no longer needs them.');
      await page.getByRole('button', { name: 'Make the statement' }).click();
      await page.locator('#statement-recorded').waitFor();
      await expect(page.locator('#statement-made').textContent()).resolves.toContain('not agreed');
      expect(await statementOf('Bramble')).toEqual({ status: 'not-agreed', decision: 'disagree' });

      // Another request of hers, taken from her meanwhile: the service refuses hers, and the form says why.
      const taken = await allocatedRequest('Taken', ada.id);
      await page.goto(`${t.url}/app/#/cto-extensions/${taken}`);
      await page.locator('#decision').waitFor();
      const other = await amhp(t, { displayName: 'Pat Other' });
      await as(manager).post(`/cto-extensions/${taken}/allocation`).send({ amhpUserId: other.id }).expect(200);
      await page.check('#decision');
      await page.fill('#reasons', reasons);
      await page.getByRole('button', { name: 'Make the statement' }).click();
      await page.locator('#decision-error').waitFor();
      await expect(page.locator('#decision-error').textContent()).resolves.toContain(
        'This request is no longer allocated to you (a manager allocated it to another AMHP), so your statement was not made.',
      );
      await accessible(page, 'cto-6-taken');
      expect((await t.sql('SELECT decision FROM cto_extensions WHERE id = $1', [taken]))[0]).toEqual({ decision: null });
    });

    it('a request withdrawn before her statement: opened after, it says in plain words that she can no longer see it, and why', async () => {
      const created = await allocatedRequest('Withdrawn', ada.id);
      await as(manager).post(`/cto-extensions/${created}/withdraw`).send({ reason: 'cto-revoked' }).expect(200);
      await page.goto(`${t.url}/app/#/cto-extensions/${created}`);
      const said = page.locator('#main .nhsuk-error-summary');
      await said.waitFor();
      await expect(said.textContent()).resolves.toContain(
        "You can no longer see this request or the patient's record: it was withdrawn, or allocated to another AMHP, before you made your statement.",
      );
      await expect(page.getByRole('heading', { name: 'Bea Withdrawn' }).count()).resolves.toBe(0);
      await accessible(page, 'cto-7-withdrawn');
    });
  });

  describe('the police officer who sent a s.136 or s.135 referral', () => {
    let page: Page;
    let s136: { id: string; reference: string };
    let s135: { id: string; reference: string };
    let informal: { id: string; reference: string };
    const reason = 'The custody sergeant confirmed it by phone this morning.';
    const recorded = async (id: string, record: string) =>
      (await t.sql<{ r: Record<string, string> | null }>(`SELECT legal_context->$2 AS r FROM referrals WHERE id = $1`, [id, record]))[0].r;

    beforeAll(async () => {
      await moveTo('2026-07-11T08:00:00Z');
      s136 = await sent(t, police.auth, s136Referral('Penrose', '2026-07-11T07:30:00Z'));
      s135 = await sent(t, police.auth, {
        ...s136Referral('Marlowe', '2026-07-11T07:40:00Z'),
        source: 'police-s135',
        legalContext: {
          kind: 's135-1',
          placeOfSafetyType: 'health-based',
          warrantExecutedAt: '2026-07-11T07:00:00Z',
          arrivedAt: '2026-07-11T07:40:00Z',
        },
      });
      informal = await sent(t, police.auth, {
        ...s136Referral('Quill', '2026-07-11T07:30:00Z'),
        source: 'other',
        urgency: 'urgent',
        legalContext: { kind: 'informal' },
      });
      page = await signedIn(police, 'PC Dana Reeve');
    }, 60_000);

    const open = async (r: { id: string; reference: string }) => {
      await page.goto(`${t.url}/app/#/referrals/${r.id}`);
      await page.getByRole('heading', { name: r.reference, level: 1 }).waitFor();
      await page.locator('[data-status]').waitFor();
    };
    const send = () => page.getByRole('button', { name: 'Send your answer' }).click();

    it('a referral under no police power asks for no answer about one', async () => {
      await open(informal);
      await expect(page.locator('#police-answer-heading').count()).resolves.toBe(0);
    });

    it('on her s.136 she says whether she consulted a health professional: the service’s refusals come back against those fields', async () => {
      await open(s136);
      await page.locator('#police-answer-heading').waitFor();
      await page.check('#policeConsultation\\.consulted');
      await page.fill('#policeConsultation\\.at', '2026-07-11T08:45');
      await page.fill('#reason', 'By phone');
      await send();
      await page.locator('#reason-error').waitFor();
      await expect(page.locator('#reason-error').textContent()).resolves.toContain('Say where the answer comes from');
      // Consulted, without saying whom, and after she arrived at the place of safety.
      await page.fill('#reason', reason);
      await send();
      await page.locator('#policeConsultation\\.profession-error').waitFor();
      await expect(page.locator('#policeConsultation\\.profession-error').textContent()).resolves.toContain('Choose whom you consulted.');
      await expect(page.locator('#policeConsultation\\.at-error').textContent()).resolves.toContain('cannot be after the power was used');
      await accessible(page, 'police-1-refused');
      expect(await recorded(s136.id, 'policeConsultation')).toBeNull();
    });

    it('without a signal her answer is saved on the phone, sent when the signal is back, and a correction after goes on the referral as read again', async () => {
      await page.selectOption('#policeConsultation\\.profession', 'registered-nurse');
      await page.fill('#policeConsultation\\.at', '2026-07-11T07:20');
      await page.fill('#reason', reason);
      await signal.cut();
      await send();
      const notice = page.locator('#police-answer-notice');
      await notice.waitFor({ timeout: 15_000 });
      await expect(notice.textContent()).resolves.toContain(
        `The police's answer for ${s136.reference}: saved on this phone, not sent yet.`,
      );
      await accessible(page, 'police-2-saved');
      expect(await recorded(s136.id, 'policeConsultation')).toBeNull();

      await signal.restore();
      await tapSendNow(page);
      await until(async () => (await recorded(s136.id, 'policeConsultation')) !== null, 15_000);
      expect(await recorded(s136.id, 'policeConsultation')).toMatchObject({ consulted: 'yes', profession: 'registered-nurse' });
      await page.locator('#police-answer-notice', { hasText: 'sent' }).waitFor({ timeout: 15_000 });

      // The referral read again after it was sent: a correction now is made on the version that answer made.
      await page.check('#policeConsultation\\.consulted-not-practicable');
      await page.fill('#policeConsultation\\.reason', 'He was on the railings; there was no time to phone anyone.');
      await page.fill('#reason', 'I misremembered: the nurse was phoned after we arrived.');
      await send();
      await page.locator('#police-answer-notice', { hasText: `The police's answer for ${s136.reference}: recorded.` }).waitFor();
      expect(await recorded(s136.id, 'policeConsultation')).toEqual({
        consulted: 'not-practicable',
        reason: 'He was on the railings; there was no time to phone anyone.',
      });
    });

    it('an answer saved without a signal on a referral the hub changed meanwhile is not sent over it: the phone says it was not recorded', async () => {
      await open(s136);
      await page.check('#policeConsultation\\.consulted-unknown');
      await page.fill('#reason', 'Another officer used the power; he is off duty now.');
      await signal.cut();
      await send();
      await page.locator('#police-answer-notice', { hasText: 'saved on this phone, not sent yet' }).waitFor({ timeout: 15_000 });
      // Meanwhile, while her phone still has no signal, the hub moves the referral on.
      await page.context().setOffline(true);
      await signal.restore();
      await as(manager).post(`/referrals/${s136.id}/status`).send({ status: 'screening' }).expect(200);
      await page.context().setOffline(false);
      await tapSendNow(page);
      const refused = page.locator('.app-refused', { hasText: `The police's answer for ${s136.reference}` });
      await refused.waitFor({ timeout: 15_000 });
      await expect(refused.textContent()).resolves.toContain('Someone changed this meanwhile, so yours was not sent over theirs.');
      await page.locator('#police-answer-notice', { hasText: 'not all of it was recorded' }).waitFor({ timeout: 15_000 });
      await accessible(page, 'police-3-changed-meanwhile');
      expect(await recorded(s136.id, 'policeConsultation')).toMatchObject({ consulted: 'not-practicable' });
      await refused.getByRole('button', { name: /^Dismiss/ }).click();
    });

    it('an answer sent on a referral the hub changed since she opened it is not sent over it: the form says so, and it goes once read again', async () => {
      // Her screen is not told of the change by the stream (not held), nor by the screens' timer (the phone's clock held).
      await page.route('**/events', (route) => route.abort());
      try {
        await page.reload();
        await open(s136);
        await page.locator('#police-answer-heading').waitFor();
        await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);
        await as(manager).post(`/referrals/${s136.id}/status`).send({ status: 'accepted' }).expect(200);
        await page.check('#policeConsultation\\.consulted-unknown');
        await page.fill('#reason', 'Another officer used the power; he is off duty now.');
        await send();
        const refusal = page.locator('#policeConsultation\\.consulted-error');
        await refusal.waitFor();
        await expect(refusal.textContent()).resolves.toContain('Your referral changed since you opened it, so your answer was not sent.');
        // Read again: what the referral holds now.
        await page.locator('[data-status]', { hasText: 'Accepted: finding an AMHP' }).waitFor();
        expect(await recorded(s136.id, 'policeConsultation')).toMatchObject({ consulted: 'not-practicable' });
        await page
          .locator('.app-refused')
          .getByRole('button', { name: /^Dismiss/ })
          .click();

        await page.check('#policeConsultation\\.consulted-unknown');
        await page.fill('#reason', 'Another officer used the power; he is off duty now.');
        await send();
        await page.locator('#police-answer-notice', { hasText: 'recorded' }).waitFor();
        expect(await recorded(s136.id, 'policeConsultation')).toEqual({ consulted: 'unknown' });
      } finally {
        await page.clock.resume();
        await page.unroute('**/events');
      }
    });

    it('on her s.135 warrant she says who went with her when it was executed', async () => {
      await open(s135);
      await page.locator('#police-answer-heading').waitFor();
      await expect(page.locator('#policeConsultation\\.consulted').count()).resolves.toBe(0);
      await send();
      await expect(page.locator('#executionAttendance\\.amhp-error').textContent()).resolves.toContain(
        'Say whether an AMHP went with you.',
      );
      await page.check('#executionAttendance\\.amhp');
      await page.fill('#executionAttendance\\.amhp\\.name', 'Sam Carter');
      await page.fill('#executionAttendance\\.amhp\\.organisation', 'Westshire Council');
      await page.check('#executionAttendance\\.doctor');
      await page.fill('#executionAttendance\\.doctor\\.name', 'Dr Lee');
      await page.fill('#executionAttendance\\.doctor\\.gmcNumber', '12345');
      await page.fill('#reason', reason);
      await send();
      await page.locator('#executionAttendance\\.doctor\\.gmcNumber-error').waitFor();
      await accessible(page, 'police-4-warrant-refused');
      await page.fill('#executionAttendance\\.doctor\\.gmcNumber', '7100001');
      await send();
      await page.locator('#police-answer-notice', { hasText: 'recorded' }).waitFor();
      expect(await recorded(s135.id, 'executionAttendance')).toEqual({
        amhp: { name: 'Sam Carter', organisation: 'Westshire Council' },
        doctor: { name: 'Dr Lee', gmcNumber: '7100001' },
      });
    });
  });

  it('nothing any page did broke its content security policy', async () => {
    for (const c of contexts) for (const p of c.pages()) await p.close();
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
