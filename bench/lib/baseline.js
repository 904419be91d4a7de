'use strict';
// The baselines of the performance targets (bench/README.md): raw node:http + pg servers doing the same work as the measured app routes with
// hand-written SQL, and nothing else (no framework, no auth, no logging, no metrics).
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');

const USER_COLUMNS = 'id, email, display_name, roles, active, phone, version, created_at, updated_at';
const AUDIT_COLUMNS =
  'id, occurred_at, actor_id, actor_roles, action, resource_type, resource_id, subject_person_id, access_basis, request_id, ip, outcome, details, lane, prev_hash, hash';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @typedef {import('../../src/config/app-config').AppConfig} AppConfig */
/** @typedef {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>} Handler */

/**
 * A pool configured like the app's (src/database/data-source.options.ts): same size, timeouts and session options.
 * @param {string} url
 * @param {AppConfig} config
 * @returns {Pool}
 */
function createPool(url, config) {
  return new Pool({
    connectionString: url,
    max: config.dbPoolMax,
    connectionTimeoutMillis: config.dbConnectTimeoutMs,
    idleTimeoutMillis: config.dbIdleTimeoutMs,
    statement_timeout: config.dbStatementTimeoutMs,
    query_timeout: config.dbStatementTimeoutMs + 2000,
    application_name: 'amhp-bench-baseline',
    options: '-c TimeZone=UTC',
  });
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let errorReported = false;

/**
 * @param {Handler} handler
 * @returns {Promise<http.Server>}
 */
function listen(handler) {
  const server = http.createServer((req, res) => {
    handler(req, res).catch((/** @type {unknown} */ err) => {
      // A 5xx is counted by the load generator and fails the bench; say why once.
      if (!errorReported) {
        errorReported = true;
        console.error(`baseline error: ${(err instanceof Error && err.stack) || err}`);
      }
      if (!res.headersSent) send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * P1's baseline alone: `{"status":"ok"}` from a raw node:http server on a free port (also bench/p1-layers.bench.js's).
 * `spinUs` (bench/p1-layers.bench.js's calibration): the main thread kept busy that many microseconds before each answer.
 * @param {number} [spinUs]
 * @returns {Promise<http.Server>}
 */
function startHello(spinUs = 0) {
  const spinNs = BigInt(Math.round(spinUs * 1000));
  return listen(async (_req, res) => {
    if (spinNs > 0n) for (const start = process.hrtime.bigint(); process.hrtime.bigint() - start < spinNs;);
    send(res, 200, { status: 'ok' });
  });
}

/**
 * Starts the three baselines, each on its own port:
 *  - hello: `{"status":"ok"}` (for P1, against GET /health/live);
 *  - pk:    GET /users/:id, one primary-key SELECT (for P2, against GET /users/:id);
 *  - audited: GET /audited, BEGIN; newest audit row; audit_append(...); COMMIT (for P2, against GET /audit-events?limit=1);
 *  - insert: POST /referrals, the JSON body parsed and stored as one row of a scratch table, committed (for P4,
 *    against POST /referrals).
 * @param {{ url: string, config: AppConfig, auditor: { id: string, roles: string[] } }} options `auditor`: whose
 *   audit.search event the audited baseline records
 */
async function startBaselines({ url, config, auditor }) {
  const pool = createPool(url, config);
  pool.on('error', () => undefined); // an idle client losing its server must not crash the bench

  const hello = await startHello();

  const pk = await listen(async (req, res) => {
    const url = req.url ?? '';
    const id = url.slice('/users/'.length);
    if (!url.startsWith('/users/') || !UUID.test(id)) return send(res, 400, { error: 'bad id' });
    const { rows } = await pool.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    if (!rows.length) return send(res, 404, { error: 'not found' });
    send(res, 200, rows[0]);
  });

  const audited = await listen(async (req, res) => {
    const client = await pool.connect();
    let rows;
    try {
      await client.query('BEGIN');
      ({ rows } = await client.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events ORDER BY id DESC LIMIT 2`));
      // The same event the app records for GET /audit-events?limit=1 (src/audit/audit.controller.ts).
      await client.query('SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [
        new Date(),
        auditor.id,
        auditor.roles.join(','),
        'audit.search',
        'audit-events',
        null,
        null,
        null,
        randomUUID(),
        req.socket.remoteAddress,
        'success',
        JSON.stringify({ filters: [] }),
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw err;
    }
    client.release();
    send(res, 200, { items: rows.slice(0, 1), nextCursor: rows.length > 1 ? String(rows[0].id) : null });
  });

  // P4's baseline: a single-row insert with its commit (autocommit: the WAL is flushed before the answer, as for the
  // app's transaction), into a table of the bench's own, not one of the app's.
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_raw_referrals (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL, body jsonb NOT NULL)',
  );
  const insert = await listen(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/referrals') return send(res, 404, { error: 'not found' });
    let text = '';
    req.setEncoding('utf8');
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text);
    const { rows } = await pool.query('INSERT INTO bench_raw_referrals (received_at, body) VALUES ($1, $2) RETURNING id', [
      new Date(),
      body,
    ]);
    send(res, 201, { id: String(rows[0].id) });
  });

  const servers = { hello, pk, audited, insert };
  /** @param {http.Server} s */
  const port = (s) => /** @type {import('node:net').AddressInfo} */ (s.address()).port;
  return {
    pool,
    urls: {
      hello: `http://127.0.0.1:${port(hello)}`,
      pk: `http://127.0.0.1:${port(pk)}`,
      audited: `http://127.0.0.1:${port(audited)}`,
      insert: `http://127.0.0.1:${port(insert)}`,
    },
    async close() {
      await Promise.all(
        Object.values(servers).map(
          (s) =>
            /** @type {Promise<void>} */ (
              new Promise((resolve) => {
                s.close(() => resolve());
                s.closeAllConnections();
              })
            ),
        ),
      );
      await pool.end();
    },
  };
}

module.exports = { startBaselines, startHello, createPool, USER_COLUMNS };
