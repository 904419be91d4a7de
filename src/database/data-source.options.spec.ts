import { loadConfig } from '../config/app-config';
import { dataSourceOptions, ownConnection } from './data-source.options';

describe("a worker thread's own connection", () => {
  it("reaches the app's server with the app's session options and timeouts, under its own name", () => {
    const config = loadConfig({ NODE_ENV: 'test', DB_STATEMENT_TIMEOUT_MS: '7000', DB_CONNECT_TIMEOUT_MS: '1500' });
    const url = 'postgres://amhp:secret@db.example:5432/amhp';
    expect(ownConnection(dataSourceOptions(config, url), 'amhp-hub-reports')).toEqual({
      connectionString: url,
      options: '-c TimeZone=UTC',
      statement_timeout: 7000,
      query_timeout: 9000,
      connectionTimeoutMillis: 1500,
      application_name: 'amhp-hub-reports',
    });
  });
});
