import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '../audit/audit.service';
import { AuthService } from '../auth/auth.service';
import { requestOf } from '../common/http';
import { BadRequestProblem, ForbiddenProblem, UnauthorizedProblem } from '../common/problem';
import { contextFromRequest, RequestContext } from '../common/request-context';
import { AccessService } from './access.service';
import { POLICY_KEY, PUBLIC_KEY, RoutePolicy } from './authorize.decorator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The global guard: authenticates the bearer token, then asks the policy about the route's declared action (and
 * the person, for person-scoped routes). Denials are audited. A route with no declared policy is refused.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = requestOf(ctx);
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw new UnauthorizedProblem();
    const actor = await this.auth.authenticate(match[1]);
    req.actor = actor;
    const context = contextFromRequest(req);

    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(POLICY_KEY, targets);
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
    const decision = await this.access.decide(actor, policy.action, personId);
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
    return true;
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
