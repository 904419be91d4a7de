import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '../audit/audit.service';
import { AuthService } from '../auth/auth.service';
import { Clock } from '../common/clock';
import { Db } from '../database/db';
import { idempotencyKeyOf, REPLAY_BASIS, requestHashOf } from '../idempotency/idempotency.interceptor';
import { storedAnswerSql } from '../idempotency/idempotency.tables';
import { requestOf } from '../common/http';
import { BadRequestProblem, ForbiddenProblem, UnauthorizedProblem } from '../common/problem';
import { contextFromRequest, RequestContext, requestContext } from '../common/request-context';
import { AccessService } from './access.service';
import { POLICY_KEY, PUBLIC_KEY, RoutePolicy } from './authorize.decorator';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** More than one Authorization field? Node keeps only the first of them, so the raw header list is read. */
function repeatsAuthorization(rawHeaders: string[]): boolean {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].length === 13 && rawHeaders[i].toLowerCase() === 'authorization') seen++;
  return seen > 1;
}

/**
 * The global guard: authenticates the bearer token, then asks the policy about the route's declared action (and
 * the person, for person-scoped routes). Denials are audited. A route with no declared policy is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly declarations = new WeakMap<object, { isPublic: boolean; policy: RoutePolicy | undefined }>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const { isPublic, policy } = this.declared(ctx);
    if (isPublic) return true;
    const req = requestOf(ctx);
    const header = req.headers.authorization;
    // Two credentials are not one: which would be meant? (The first won, so a bogus second was ignored.)
    if (header !== undefined && repeatsAuthorization(req.raw.rawHeaders))
      throw new BadRequestProblem('Send one Authorization header.', [
        { field: 'Authorization', messages: ['Authorization must be sent once'] },
      ]);
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw new UnauthorizedProblem();
    const actor = await this.auth.authenticate(match[1]);
    req.actor = actor;
    // The request's context (entered before the handler, bootstrap.ts) now knows who is asking.
    const current = requestContext.current();
    if (current) current.actor = actor;
    const context = current ?? contextFromRequest(req);

    if (!policy) {
      await this.deny(context, 'undeclared-route', undefined, 'route has no declared policy');
      throw new ForbiddenProblem('This route has no access policy.');
    }
    let personId: string | undefined;
    if (policy.person) {
      const raw = (req.params as Record<string, string>)[policy.person.param];
      if (!raw || !UUID.test(raw))
        throw new BadRequestProblem(`${policy.person.param} must be a UUID.`, [
          { field: policy.person.param, messages: ['must be a UUID'] },
        ]);
      personId = raw.toLowerCase();
    }
    let decision = await this.access.decide(actor, policy.action, personId);
    // A retry of a write this caller made, under its Idempotency-Key, is answered with the stored first answer
    // (IdempotencyInterceptor.replay), even when the same request sent fresh would now be refused: that answer shows
    // nothing they were not shown, and a refusal would report an applied change as failed (README, Idempotency-Key).
    if (!decision.allowed && (await this.answerStored(req, actor.userId))) decision = { allowed: true, basis: REPLAY_BASIS };
    if (!decision.allowed) {
      await this.deny(context, policy.action, personId, decision.reason);
      const problem = new ForbiddenProblem(
        decision.reason ?? 'You are not allowed to do this.',
        decision.breakGlassAvailable ? 'no-relationship' : 'forbidden',
      );
      if (decision.breakGlassAvailable) problem.extensions.breakGlass = { href: '/break-glass', method: 'POST' };
      throw problem;
    }
    req.access = decision;
    // Every audit row of the request then records the basis it was let in on, unless its service names a narrower one.
    if (current) current.accessBasis = decision.basis;
    return true;
  }

  /** This caller has a stored answer to this very request under its Idempotency-Key. */
  private async answerStored(req: Parameters<typeof requestHashOf>[0], userId: string): Promise<boolean> {
    const key = idempotencyKeyOf(req);
    if (key === undefined) return false;
    const [{ stored }]: Array<{ stored: boolean }> = await this.db.manager.query(
      `SELECT ${storedAnswerSql('$1', '$2', '$3', '$4')} AS stored`,
      [userId, key, requestHashOf(req), this.clock.now()],
    );
    return stored;
  }

  /** What a route declares (@Public, @Authorize), read once per handler rather than on every request. */
  private declared(ctx: ExecutionContext): { isPublic: boolean; policy: RoutePolicy | undefined } {
    const handler = ctx.getHandler();
    let found = this.declarations.get(handler);
    if (!found) {
      const targets = [handler, ctx.getClass()];
      found = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        policy: this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY_KEY, targets),
      };
      this.declarations.set(handler, found);
    }
    return found;
  }

  private async deny(context: RequestContext, action: string, personId: string | undefined, reason: string | undefined): Promise<void> {
    await this.audit.recordAlone({
      action: 'access.denied',
      resourceType: 'route',
      resourceId: `${context.method} ${context.path}`,
      subjectPersonId: personId ?? null,
      outcome: 'denied',
      context,
      details: { policy: action, ...(reason ? { reason } : {}) },
    });
  }
}
