import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Action } from './policy';

export const POLICY_KEY = 'amhp:policy';
export const PUBLIC_KEY = 'amhp:public';

/** Where a person-scoped route finds the person: a route parameter holding the person's id. */
export interface PersonFrom {
  param: string;
}

export interface RoutePolicy {
  action: Action;
  person?: PersonFrom;
}

/**
 * Declares who may call a route. Every route has exactly one of @Authorize or @Public; a test fails the build
 * otherwise, and at run time a route with neither is refused.
 */
export function Authorize(action: Action, options: { personParam?: string } = {}): MethodDecorator & ClassDecorator {
  const policy: RoutePolicy = { action, ...(options.personParam ? { person: { param: options.personParam } } : {}) };
  return applyDecorators(
    SetMetadata(POLICY_KEY, policy),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token (problem+json).' }),
    ApiForbiddenResponse({ description: 'Not allowed for this role or relationship (problem+json).' }),
  );
}

/** A route anyone may call without a token (health, login). */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(PUBLIC_KEY, true);
}
