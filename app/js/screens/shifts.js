// My shifts and swaps (an AMHP): my next shifts in UK time; asking a colleague to take one (offered to anyone eligible,
// a manager approves the swap); taking or declining a shift a colleague offers; withdrawing my own request.
import { html, unreachable, useTitle } from '../ui.js';
import { useEffect, useState } from '../deps.js';
import { api, isNoSignal, serverNow } from '../session.js';
import { recordOrKeep, SAVED_NOT_SENT } from '../outbox.js';
import { localClock, localTime } from '../time.js';

const DAY = 86_400_000;
const SWAP_WORDS = {
  offered: 'Waiting for a colleague',
  accepted: 'Taken: waiting for a manager to approve',
  approved: 'Approved',
  declined: 'Declined',
  cancelled: 'Withdrawn',
};

function when(a) {
  return `${localTime(a.startsAt)} to ${localClock(a.endsAt)}`;
}

function AskSwap({ assignment, busy, onAsk }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const id = `note-${assignment.id}`;
  if (!open)
    return html`<button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${() => setOpen(true)}>
      Ask for a swap<span class="nhsuk-u-visually-hidden">: ${assignment.label}, ${when(assignment)}</span>
    </button>`;
  return html`<div class="app-swap-ask">
    <div class="nhsuk-form-group">
      <label class="nhsuk-label" for=${id}>A note for your colleagues (optional)</label>
      <input class="nhsuk-input" id=${id} value=${note} onInput=${(e) => setNote(e.currentTarget.value)} autocomplete="off" />
    </div>
    <div class="app-actions">
      <button type="button" class="nhsuk-button" disabled=${busy} onClick=${() => onAsk(assignment, note.trim())}>Offer this shift</button>
      <button type="button" class="nhsuk-button nhsuk-button--secondary" onClick=${() => setOpen(false)}>Keep it</button>
    </div>
  </div>`;
}

export function ShiftsScreen({ me: user }) {
  const [mine, setMine] = useState(null);
  const [me, setMe] = useState(null);
  const [swaps, setSwaps] = useState([]);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      const duty = await api('/rota/on-duty');
      const from = duty.at;
      const to = new Date(Date.parse(from) + 28 * DAY).toISOString();
      const [assignments, page, self] = await Promise.all([
        api(`/rota/assignments?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
        api('/rota/swaps?limit=100'),
        // Read only to know which practitioner she is. Staff records are never kept on the phone, so without a signal
        // her own shifts say it: her shifts and swaps open in a dead spot from what the phone kept of them.
        api('/practitioners?limit=200').catch((err) => (isNoSignal(err) ? null : Promise.reject(err))),
      ]);
      // An AMHP sees only their own practitioner record; a manager who is also an AMHP sees everyone's.
      const own = self ? self.items.find((p) => p.userId === user.id) : null;
      setMe(own ? own.id : (assignments.items.find((a) => a.userId === user.id)?.practitionerId ?? null));
      setMine(
        assignments.items
          .filter((a) => Date.parse(a.endsAt) > Date.parse(from))
          .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)),
      );
      setSwaps(page.items.filter((s) => Date.parse(s.endsAt) > Date.parse(from)));
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    }
  }
  useTitle('My shifts – AMHP duty');
  useEffect(() => {
    void load();
  }, []);

  async function act(fn, done) {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      // Kept on the phone (no answer yet): said as such, not as an error (pressed again, it would be sent twice).
      setNotice((await fn()) === null ? SAVED_NOT_SENT : done);
    } catch (err) {
      setError(err instanceof TypeError ? unreachable : err.message);
    } finally {
      setBusy(false);
      await load();
    }
  }
  const ask = (a, note) =>
    act(
      () => recordOrKeep('/rota/swaps', { assignmentId: a.id, ...(note ? { note } : {}) }, { label: 'Asking for a swap of your shift' }),
      `You offered ${a.label}, ${when(a)}, to your colleagues. A manager approves the swap once someone takes it.`,
    );
  const take = (s) =>
    act(
      () => recordOrKeep(`/rota/swaps/${s.id}/accept`, {}, { label: 'Taking a colleague’s shift' }),
      `You took ${s.label}, ${when(s)}. A manager approves the swap; until then it stays with ${s.fromName}.`,
    );
  const decline = (s) =>
    act(() => recordOrKeep(`/rota/swaps/${s.id}/decline`, {}, { label: 'Declining a swap' }), `You declined ${s.fromName}'s ${s.label}.`);
  const cancel = (s) =>
    act(
      () => recordOrKeep(`/rota/swaps/${s.id}/cancel`, {}, { label: 'Withdrawing your swap request' }),
      `You withdrew your request to swap ${s.label}, ${when(s)}.`,
    );

  const offeredToMe = swaps.filter(
    (s) => s.status === 'offered' && s.fromPractitionerId !== me && (s.toPractitionerId === null || s.toPractitionerId === me),
  );
  const myRequests = swaps.filter((s) => s.fromPractitionerId === me);
  const pending = new Set(myRequests.filter((s) => s.status === 'offered' || s.status === 'accepted').map((s) => s.assignmentId));

  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">My shifts</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      ${notice && html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>`}
      ${
        offeredToMe.length > 0 &&
        html`<section aria-labelledby="offered-heading">
          <h2 class="nhsuk-heading-m" id="offered-heading">Shifts colleagues offer you</h2>
          <ul class="nhsuk-list app-cards">
            ${offeredToMe.map(
              (s) => html`<li key=${s.id} class="nhsuk-card app-card app-swap">
                <div class="nhsuk-card__content">
                  <h3 class="nhsuk-card__heading nhsuk-heading-s">${s.label}</h3>
                  <p class="nhsuk-body">${when(s)}</p>
                  <p class="nhsuk-body-s app-muted">From ${s.fromName}${s.note ? `: “${s.note}”` : ''}</p>
                  <div class="app-actions">
                    <button type="button" class="nhsuk-button" disabled=${busy} onClick=${() => take(s)}>
                      Take it<span class="nhsuk-u-visually-hidden">: ${s.label}, ${when(s)}</span>
                    </button>
                    ${
                      s.toPractitionerId === me &&
                      html`<button type="button" class="nhsuk-button nhsuk-button--secondary" disabled=${busy} onClick=${() => decline(s)}>
                        Decline<span class="nhsuk-u-visually-hidden">: ${s.label}, ${when(s)}</span>
                      </button>`
                    }
                  </div>
                </div>
              </li>`,
            )}
          </ul>
        </section>`
      }
      <section aria-labelledby="next-shifts-heading">
        <h2 class="nhsuk-heading-m" id="next-shifts-heading">My next shifts</h2>
        ${
          mine === null
            ? !error && html`<p class="nhsuk-body">Loading…</p>`
            : mine.length
              ? html`<ul class="nhsuk-list app-cards">
                  ${mine.map(
                    (a) => html`<li key=${a.id} class="nhsuk-card app-card app-shift">
                      <div class="nhsuk-card__content">
                        <h3 class="nhsuk-card__heading nhsuk-heading-s">${a.label}</h3>
                        <p class="nhsuk-body">${when(a)}</p>
                        ${
                          pending.has(a.id)
                            ? html`<p class="nhsuk-body-s app-muted">You asked for a swap.</p>`
                            : Date.parse(a.startsAt) > serverNow() && html`<${AskSwap} assignment=${a} busy=${busy} onAsk=${ask} />`
                        }
                      </div>
                    </li>`,
                  )}
                </ul>`
              : html`<p class="nhsuk-body">You are on no shift in the next four weeks.</p>`
        }
      </section>
      ${
        myRequests.length > 0 &&
        html`<section aria-labelledby="requests-heading">
          <h2 class="nhsuk-heading-m" id="requests-heading">My swap requests</h2>
          <ul class="nhsuk-list app-cards">
            ${myRequests.map(
              (s) => html`<li key=${s.id} class="nhsuk-card app-card">
                <div class="nhsuk-card__content">
                  <h3 class="nhsuk-card__heading nhsuk-heading-s">${s.label}, ${when(s)}</h3>
                  <p class="nhsuk-body-s" data-swap-status=${s.status}>
                    ${SWAP_WORDS[s.status] || s.status}${s.takerName ? ` (${s.takerName})` : ''}
                  </p>
                  ${
                    s.status === 'offered' &&
                    html`<button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" disabled=${busy} onClick=${() => cancel(s)}>
                      Withdraw<span class="nhsuk-u-visually-hidden">: ${s.label}, ${when(s)}</span>
                    </button>`
                  }
                </div>
              </li>`,
            )}
          </ul>
        </section>`
      }
    </main>
  `;
}
