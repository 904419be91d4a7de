import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ConflictProblem } from './problem';
import { toProblemError } from './problem.filter';

const pg = (code: string, constraint?: string) => Object.assign(new Error('db said no'), { driverError: { code, constraint } });

describe('toProblemError: every failure becomes a problem with the right status', () => {
  it.each([
    ['unique violation', pg('23505', 'users_email_key'), 409, 'duplicate'],
    ['exclusion violation (overlapping shifts)', pg('23P01', 'shift_no_overlap'), 409, 'overlap'],
    ['foreign key violation', pg('23503'), 422, 'reference-not-found'],
    ['check violation', pg('23514'), 422, 'constraint-violated'],
    ['not-null violation', pg('23502'), 422, 'constraint-violated'],
    ['invalid text representation', pg('22P02'), 400, 'bad-value'],
    ['a NUL character in text', pg('22021'), 400, 'bad-value'],
    ['serialization failure after retries', pg('40001'), 409, 'concurrent-update'],
    ['deadlock after retries', pg('40P01'), 409, 'concurrent-update'],
    ['statement timeout', pg('57014'), 503, 'timeout'],
    ['server shutting down', pg('57P01'), 503, 'service-unavailable'],
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      503,
      'service-unavailable',
    ],
    ['pool timeout', new Error('timeout exceeded when trying to connect'), 503, 'service-unavailable'],
    ['connection lost', new Error('Connection terminated unexpectedly'), 503, 'service-unavailable'],
    [
      'fastify body too large',
      Object.assign(new Error('too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
      413,
      'http-413',
    ],
    [
      'fastify bad content type',
      Object.assign(new Error('unsupported'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }),
      415,
      'http-415',
    ],
    ['Nest 404 for an unknown route', new NotFoundException('Cannot GET /x'), 404, 'not-found'],
    ['Nest 400 from a pipe', new BadRequestException('Validation failed (uuid is expected)'), 400, 'http-400'],
    ['a domain problem passes through', new ConflictProblem('already allocated', 'already-allocated'), 409, 'already-allocated'],
    ['anything else', new TypeError('x is undefined'), 500, 'internal'],
  ])('%s → %i %s', (_name, err, status, code) => {
    const p = toProblemError(err);
    expect(p.status).toBe(status);
    expect(p.code).toBe(code);
  });

  it('never puts the internal message of an unexpected error in the body', () => {
    const body = toProblemError(new TypeError('secret internal detail')).toProblem('/x');
    expect(JSON.stringify(body)).not.toContain('secret internal detail');
  });

  it('503s tell the client when to retry', () => {
    expect(toProblemError(pg('57P01')).headers['Retry-After']).toBe('5');
  });
});
