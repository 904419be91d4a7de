import { Client } from 'pg';

/** The event stream's poll of published events, which runs on its own timer beside any request. */
const BESIDE_THE_REQUEST = /FROM published_events/;

/**
 * The statements the app sends Postgres while `send` runs (a request, awaited), the event stream's own poll aside:
 * nothing else may run meanwhile. Two answers that must not be told apart by their time should cost the same.
 */
export async function statementsSent(send: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    await send();
    return spy.mock.calls.filter(([q]) => {
      const text = typeof q === 'string' ? q : (q as { text?: string } | undefined)?.text;
      return !BESIDE_THE_REQUEST.test(text ?? '');
    }).length;
  } finally {
    spy.mockRestore();
  }
}
