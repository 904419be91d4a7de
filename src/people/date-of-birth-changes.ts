import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

/**
 * What follows when a person's date of birth is recorded, corrected or removed on their record (PATCH /people/{id}):
 * POL-09 (s.136A(1)) reads the age at the place of safety from it, so the findings (and the pages) of the person's
 * open s.135(1) and s.136 referrals are judged again. The referrals module (which depends on this module, not the
 * other way round) registers the handler at start-up; it runs in the change's transaction, so the record and what
 * the referrals say of the person's age commit together.
 */
@Injectable()
export class DateOfBirthChanges {
  private handler: ((m: EntityManager, personId: string, actor: Actor) => Promise<void>) | undefined;

  register(handler: (m: EntityManager, personId: string, actor: Actor) => Promise<void>): void {
    this.handler = handler;
  }

  /** Nothing when no referrals module is registered. */
  changed(m: EntityManager, personId: string, actor: Actor): Promise<void> {
    return this.handler ? this.handler(m, personId, actor) : Promise.resolve();
  }
}
