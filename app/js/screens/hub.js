// The manager on call: the hub at a glance (open referrals, soonest clock first; offers nobody has answered and how
// long they have waited; gaps in the rota in the next 24 hours), allocating a referral to an AMHP with the service's
// answer on whether each may act now, and the morning handover to acknowledge.
import { html, word, legal, unreachable, useServerNow, Clock, ErrorSummary, useTitle } from '../ui.js';
import { useLive, useRotaTimer } from '../use-live.js';
import { useEffect, useRef, useState } from '../deps.js';
import { api } from '../session.js';
import { basedOn, keptText, newKey, recordOrKeep, refused } from '../outbox.js';
import { useKeptNotice } from '../offline.js';
import { href, navigate, query } from '../router.js';
import { localClock, localTime, londonDate } from '../time.js';
import { Radios, TextArea, errorFor, problemErrors, radioValue, valueOf } from './form-kit.js';
import { learnFromClocks, statusWords } from './my-referrals.js';
import { typeLabel } from './decisions.js';
import { hubConcerns } from '../live.js';

const HOUR = 3_600_000;

/** "12 min", "1 h 5 min": how long something has waited. */
export function waited(ms) {
  const m = Math.max(0, Math.floor(ms / 60_000));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A message for the next screen (one only, kept in memory). */
let flash = null;
function takeFlash() {
  const f = flash;
  flash = null;
  return f;
}

const GAP_WORDS = {
  understaffed: (g) => `${g.missing} AMHP${g.missing === 1 ? '' : 's'} short`,
  'skill-missing': (g) => `Nobody with: ${g.missingSkills.join(', ')}`,
  'no-shift': () => 'No shift at all',
};

/**
 * The clock a card of the list shows: the one the list is ordered by (the referral's `nextDeadline`, its soonest
 * running deadline), else the soonest running one.
 */
export function orderingClock(r) {
  const running = r.clocks.filter((c) => c.state !== 'stopped');
  return (
    running.find((c) => r.nextDeadline && Date.parse(c.deadline) === Date.parse(r.nextDeadline)) ||
    running.sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline))[0]
  );
}

export function HubScreen() {
  const [queue, setQueue] = useState(null);
  const [offers, setOffers] = useState(null);
  const [gaps, setGaps] = useState(null);
  const [duty, setDuty] = useState(null); // who is on duty as the gaps were read: when the rota next changes
  const [names, setNames] = useState({});
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(takeFlash);
  useKeptNotice(notice, setNotice);
  const now = useServerNow();

  /**
   * Reads the parts of the screen named (null: all of it): 'queue' (the open referrals and the offers nobody has
   * answered), 'names' (the AMHPs' names), 'rota' (the gaps in the next 24 hours, from who is on duty now); the live
   * stream says which an event is about (hubConcerns).
   */
  async function load(parts = null) {
    const wants = (part) => !parts || parts.includes(part);
    try {
      const [page, people, onDuty] = await Promise.all([
        wants('queue') ? api('/referrals?limit=100') : null,
        wants('names') ? api('/practitioners?active=true&limit=200') : null,
        wants('rota') ? api('/rota/on-duty') : null,
      ]);
      if (page) learnFromClocks(page.items);
      const offered = page ? page.items.filter((r) => r.status === 'accepted') : [];
      const from = onDuty && new Date(Date.parse(onDuty.at));
      const to = onDuty && new Date(from.getTime() + 24 * HOUR);
      const [coverage, ...offerLists] = await Promise.all([
        onDuty && api(`/rota/coverage?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`),
        ...offered.map((r) => api(`/referrals/${r.id}/offers`)),
      ]);
      if (people) setNames(Object.fromEntries(people.items.map((p) => [p.userId, p.displayName])));
      if (page) {
        setQueue(page.items);
        setOffers(
          offered
            .map((r, i) => ({ referral: r, open: offerLists[i].items.filter((o) => o.response === null) }))
            .filter((x) => x.open.length > 0)
            .map((x) => ({ ...x, since: Math.min(...x.open.map((o) => Date.parse(o.offeredAt))) }))
            .sort((a, b) => a.since - b.since),
        );
      }
      if (coverage) {
        setGaps(coverage.gaps);
        setDuty(onDuty);
      }
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useTitle('Hub – AMHP duty');
  // Read again for what the live stream says changed (app/js/live.js), and on the screens' timer.
  useLive(load, (events) => hubConcerns(events, names));
  // The gaps change with the time too, which no event tells: read again when a shift starts or ends, or a gap listed does.
  useRotaTimer(() => load(['rota']), duty, gaps);

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">The hub now</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${notice && html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>`}
      <section aria-labelledby="waiting-heading">
        <h2 class="nhsuk-heading-m" id="waiting-heading">Offers nobody has answered</h2>
        ${
          offers === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : offers.length
              ? html`<ul class="nhsuk-list app-cards">
                ${offers.map(
                  ({ referral: r, open, since }) => html`<li key=${r.id} class="nhsuk-card app-card app-waiting">
                    <div class="nhsuk-card__content">
                      <h3 class="nhsuk-card__heading nhsuk-heading-s">${r.person.givenName} ${r.person.familyName}</h3>
                      <p class="nhsuk-body-s app-muted">${r.reference} · ${word(r.urgency)} · ${legal(r.legalContext.kind)}</p>
                      <p class="nhsuk-body app-alert">Waiting ${waited(now - since)} (offered ${localClock(new Date(since).toISOString())})</p>
                      <p class="nhsuk-body-s">Offered to ${open.map((o) => names[o.userId] || 'an AMHP').join(', ')}</p>
                      <a class="nhsuk-button app-button-link" href=${href(`/referrals/${r.id}/allocate`)}>
                        Allocate<span class="nhsuk-u-visually-hidden"> ${r.reference}</span>
                      </a>
                    </div>
                  </li>`,
                )}
              </ul>`
              : html`<p class="nhsuk-body">None.</p>`
        }
      </section>
      <section aria-labelledby="queue-heading">
        <h2 class="nhsuk-heading-m" id="queue-heading">Open referrals, soonest clock first</h2>
        ${
          queue === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : queue.length
              ? html`<ul class="nhsuk-list app-cards">
                  ${queue.map((r) => {
                    const c = orderingClock(r);
                    return html`<li key=${r.id} class="nhsuk-card app-card">
                      <div class="nhsuk-card__content">
                        <h3 class="nhsuk-card__heading nhsuk-heading-s">
                          <a href=${href(`/referrals/${r.id}`)}>${r.person.givenName} ${r.person.familyName}</a>
                        </h3>
                        <p class="nhsuk-body-s app-muted">
                          ${r.reference} · ${word(r.urgency)} · ${statusWords(r.status)}${r.allocatedUserId ? ` · ${names[r.allocatedUserId] || 'an AMHP'}` : ''}
                        </p>
                        ${c ? html`<ul class="nhsuk-list app-clocks"><${Clock} clock=${c} now=${now} /></ul>` : html`<p class="nhsuk-body-s">No clock running.</p>`}
                      </div>
                    </li>`;
                  })}
                </ul>`
              : html`<p class="nhsuk-body">No referral is open.</p>`
        }
      </section>
      <section aria-labelledby="gaps-heading">
        <h2 class="nhsuk-heading-m" id="gaps-heading">Gaps in the rota, next 24 hours</h2>
        ${
          gaps === null
            ? html`<p class="nhsuk-body">Loading…</p>`
            : gaps.length
              ? html`<ul class="nhsuk-list app-gaps">
                  ${gaps.map(
                    (g) => html`<li key=${g.startsAt + g.kind + (g.shiftId || '')} class="app-gap">
                      <strong>${g.label || 'No shift'}</strong>: ${localTime(g.startsAt)} to ${localClock(g.endsAt)}.
                      <span class="app-alert">${(GAP_WORDS[g.kind] || (() => g.kind))(g)}</span>
                    </li>`,
                  )}
                </ul>`
              : html`<p class="nhsuk-body">The rota is covered.</p>`
        }
      </section>
      <p class="nhsuk-body"><a class="nhsuk-button nhsuk-button--secondary app-button-link" href=${href('/handover')}>Morning handover</a></p>
    </main>
  `;
}

/** One AMHP as a choice: name, on duty or not, and what the service says about acting now. */
function choiceOf(p, eligibility, onDuty) {
  const hard = eligibility ? eligibility.findings.filter((f) => f.severity === 'hard') : [];
  const warnings = eligibility ? eligibility.findings.filter((f) => f.severity !== 'hard') : [];
  const says = !eligibility
    ? 'Could not check whether they may act now.'
    : hard.length
      ? `May not act now: ${hard.map((f) => f.message).join(' ')}`
      : warnings.length
        ? `May act now, with ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (${[...new Set(warnings.map((f) => f.rule))].join(', ')}).`
        : 'May act now.';
  return { value: p.userId, label: `${p.displayName}${onDuty ? ' (on duty)' : ''}`, hint: says };
}

export function AllocateScreen({ params }) {
  const [r, setR] = useState(null);
  const [choices, setChoices] = useState(null);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState(null);
  const formRef = useRef(null);
  const key = useRef(newKey());
  const sending = useRef(false); // held at once: a second tap before the re-render sends nothing

  useTitle(`${errors.length ? 'Error: ' : ''}Allocate – AMHP duty`);
  useEffect(() => {
    void (async () => {
      try {
        const [one, duty, people] = await Promise.all([
          api(`/referrals/${encodeURIComponent(params.id)}`),
          api('/rota/on-duty'),
          api('/practitioners?active=true&limit=200'),
        ]);
        const from = duty.at;
        const to = new Date(Date.parse(duty.at) + 60_000).toISOString();
        const onDuty = new Set(duty.onDuty.flatMap((s) => s.amhps.map((a) => a.userId)));
        const list = people.items.filter((p) => p.approvalStatus !== 'none');
        list.sort((a, b) => onDuty.has(b.userId) - onDuty.has(a.userId) || a.displayName.localeCompare(b.displayName));
        // Whether each may act now, all in one request (on a poor signal, one request per AMHP took seconds).
        const checked = await api(
          `/practitioners/eligibility?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&active=true`,
        ).catch(() => null);
        const answers = new Map((checked?.items ?? []).map((e) => [e.practitionerId, e]));
        setR(one);
        setChoices(list.map((p) => choiceOf(p, answers.get(p.id) ?? null, onDuty.has(p.userId))));
      } catch (err) {
        setLoadError(err instanceof TypeError ? unreachable : err.message);
      }
    })();
  }, []);

  async function submit(event) {
    event.preventDefault();
    const form = formRef.current;
    const userId = radioValue(form, 'userId');
    if (!userId) return setErrors([{ field: 'userId', text: 'Choose the AMHP to allocate it to.' }]);
    const overrideReason = valueOf(form, 'overrideReason');
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    const who = choices.find((c) => c.value === userId);
    const whoName = who ? who.label.replace(' (on duty)', '') : 'the AMHP';
    try {
      const sent = await recordOrKeep(
        `/referrals/${r.id}/allocation`,
        { userId, ...(overrideReason ? { overrideReason } : {}) },
        // On the version read: moving it from another AMHP needs it, and an allocation or a move made meanwhile is
        // refused, not overwritten; any other change of the referral meanwhile does not stop hers (judged on these).
        {
          key: key.current,
          ...basedOn(`/referrals/${r.id}`, r, ['status', 'allocatedUserId']),
          label: `The allocation of ${r.reference} to ${whoName}`,
        },
      );
      // No answer yet: the allocation is on its way from this phone (the header counts it), so the hub is shown.
      flash = sent ? `${r.reference} is allocated to ${whoName}.` : keptText(`The allocation of ${r.reference}`);
      navigate('/hub');
    } catch (err) {
      if (refused(err)) key.current = newKey();
      if (err.code === 'amhp-not-eligible')
        setErrors([
          { field: 'userId', text: err.message },
          { field: 'overrideReason', text: 'To allocate all the same, give your reason (at least 10 characters).' },
        ]);
      else
        setErrors(
          problemErrors(err, {
            fallback: 'userId',
            wordsFor: (f) => (f === 'overrideReason' ? 'Give a reason of at least 10 characters, or leave it empty.' : undefined),
          }),
        );
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  const err = (id) => errorFor(errors, id);
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <${ErrorSummary} errors=${errors} />
      <h1 class="nhsuk-heading-l">Allocate to an AMHP</h1>
      ${loadError && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${loadError}</p></div>`}
      ${(r === null || choices === null) && !loadError && html`<p class="nhsuk-body">Loading…</p>`}
      ${
        r &&
        choices &&
        html`
          <p class="nhsuk-body-l">${r.person.givenName} ${r.person.familyName}</p>
          <p class="nhsuk-body-s app-muted">${r.reference} · ${word(r.urgency)} · ${legal(r.legalContext.kind)} · ${statusWords(r.status)}</p>
          <form ref=${formRef} novalidate onSubmit=${submit}>
            <${Radios}
              id="userId"
              legend="Who will take it?"
              hint="The service's answer on whether each AMHP may act now is under their name."
              options=${choices}
              value=${r.allocatedUserId}
              error=${err('userId')}
            />
            <${TextArea}
              id="overrideReason"
              label="Reason to override (only for an AMHP who may not act now)"
              hint="It is recorded, and an auditor reviews it."
              rows="3"
              error=${err('overrideReason')}
            />
            <button class="nhsuk-button" type="submit" disabled=${busy}>Allocate</button>
          </form>
        `
      }
      <p class="nhsuk-body"><a class="app-back" href=${href('/hub')}>Back to the hub</a></p>
    </main>
  `;
}

function itemText(i) {
  const s = i.summary;
  switch (i.itemType) {
    case 'decision':
      return {
        title: `Decision: ${typeLabel(s.decisionType)}${s.signedAt ? `, signed ${localTime(s.signedAt)}` : ''}`,
        lines: s.contentWithheld ? ['Open the decision for its detail.'] : [s.question, s.decision, s.handoverNote].filter(Boolean),
      };
    case 'referral':
      return {
        title: `Referral ${s.reference}: ${statusWords(s.status)}`,
        lines: [
          `${word(s.urgency)} · ${legal(s.legalContext)}`,
          ...(s.clocks || []).map((c) => `${c.label}: ends ${localTime(c.deadline)}`),
        ],
      };
    case 'assessment':
      return {
        title: `Assessment in progress since ${localTime(s.openedAt)}`,
        lines: (s.deadlines || []).map((d) => `${d.label}: ${localTime(d.at)}`),
      };
    case 'rota-note':
      return { title: `Rota note: ${s.label}, ${localTime(s.startsAt)}`, lines: [s.notes] };
    case 'action':
      return {
        title: `Action${s.overdue ? ' (overdue)' : ''}: ${s.description}`,
        lines: [s.dueAt ? `Due ${localTime(s.dueAt)}` : 'No due time', s.ownerTeam || ''].filter(Boolean),
      };
    default:
      return { title: i.itemType, lines: [] };
  }
}

export function HandoverScreen({ me, path }) {
  const date = query(path).get('date') || null;
  const [today, setToday] = useState(date);
  const [h, setH] = useState(undefined);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);
  const [kept, setKept] = useState(null);
  const manager = me.roles.includes('manager');

  async function load() {
    try {
      let d = today;
      if (!d) {
        const duty = await api('/rota/on-duty');
        d = londonDate(Date.parse(duty.at));
        setToday(d);
      }
      setH(await api(`/handovers/${d}`));
      setError(null);
    } catch (err) {
      if (err.status === 404) setH(null);
      else setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useTitle('Morning handover – AMHP duty');
  useEffect(() => {
    void load();
  }, []);

  /** Runs `fn` (a change); when it is kept on the phone (null), `keptSays` is shown as a status, not as an error. */
  async function run(label, fn, keptSays) {
    setBusy(label);
    setKept(null);
    try {
      const view = await fn();
      if (view) setH(view);
      else if (view === null) setKept(keptSays);
      setError(null);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
      if (err.status === 409) await load();
    } finally {
      setBusy(null);
    }
  }
  const acknowledge = (item) =>
    run(
      item.id,
      () => recordOrKeep(`/handovers/${h.date}/items/${item.id}/acknowledgement`, {}, { label: 'Acknowledging a handover item' }),
      keptText('The acknowledgement'),
    );
  const acknowledgeAll = () =>
    run(
      'all',
      async () => {
        let view = h;
        let own = 0;
        for (const item of h.items.filter((i) => !i.acknowledgedAt)) {
          let next;
          try {
            next = await recordOrKeep(
              `/handovers/${h.date}/items/${item.id}/acknowledgement`,
              {},
              { label: 'Acknowledging a handover item' },
            );
          } catch (err) {
            // An item from her own decision is for another manager (AMHP-12): the rest are still acknowledged.
            if (err.status === 403 && err.code === 'own-record') {
              own += 1;
              continue;
            }
            throw err;
          }
          if (next === null) return null; // kept on the phone: the rest are not sent (each would wait in turn)
          view = next;
          setH(view);
        }
        if (own)
          throw new Error(
            `${own === 1 ? 'One item is' : `${own} items are`} from your own decisions: another manager acknowledges ${own === 1 ? 'it' : 'them'}.`,
          );
        return view;
      },
      `${keptText('The first acknowledgement')} The others are not: acknowledge them once there is a signal.`,
    );
  const compile = () =>
    run(
      'compile',
      () => recordOrKeep(`/handovers/${today}/compile`, {}, { label: 'Compiling the handover' }),
      keptText('Compiling the handover'),
    );

  const open = h ? h.items.filter((i) => !i.acknowledgedAt) : [];
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">Morning handover</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${kept && html`<div class="nhsuk-inset-text" role="status"><p>${kept}</p></div>`}
      ${h === undefined && !error && html`<p class="nhsuk-body">Loading…</p>`}
      ${
        h === null &&
        html`<p class="nhsuk-body">The handover for ${today} has not been compiled yet.</p>
          ${
            manager && html`<button type="button" class="nhsuk-button" disabled=${busy !== null} onClick=${compile}>Compile it now</button>`
          }`
      }
      ${
        h &&
        html`
          <p class="nhsuk-body">
            ${h.date}: from ${localTime(h.periodFrom)} to ${localTime(h.periodTo)}. ${h.counts.open} of ${h.counts.total} still to
            acknowledge${h.counts.carriedOver ? `, ${h.counts.carriedOver} carried over` : ''}.
          </p>
          ${
            manager &&
            open.length > 1 &&
            html`<button type="button" class="nhsuk-button nhsuk-button--secondary" disabled=${busy !== null} onClick=${acknowledgeAll}>
              Acknowledge all ${open.length}
            </button>`
          }
          ${!h.items.length && html`<p class="nhsuk-body">Nothing to hand over.</p>`}
          <ul class="nhsuk-list app-cards">
            ${h.items.map((i) => {
              const t = itemText(i);
              return html`<li key=${i.id} class="nhsuk-card app-card app-handover-item">
                <div class="nhsuk-card__content">
                  <h2 class="nhsuk-card__heading nhsuk-heading-s">${t.title}</h2>
                  ${t.lines.map((l, n) => html`<p key=${n} class="nhsuk-body-s">${l}</p>`)}
                  ${i.carriedOver && html`<p class="nhsuk-body-s app-alert">Carried over from ${i.firstHandedOverOn}</p>`}
                  ${
                    i.acknowledgedAt
                      ? html`<p class="nhsuk-body-s app-done">Acknowledged ${localTime(i.acknowledgedAt)}</p>`
                      : manager &&
                        html`<button type="button" class="nhsuk-button app-button-compact" disabled=${busy !== null} onClick=${() => acknowledge(i)}>
                          Acknowledge<span class="nhsuk-u-visually-hidden"> ${t.title}</span>
                        </button>`
                  }
                </div>
              </li>`;
            })}
          </ul>
        `
      }
    </main>
  `;
}
