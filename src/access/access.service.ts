import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { AccessRelationshipEntity, RelationshipKind } from './access-relationship.entity';
import { Action, Decision, can, isPersonAction, personScope } from './policy';

export interface NewRelationship {
  userId: string;
  personId: string;
  kind: RelationshipKind;
  sourceType: string;
  sourceId: string;
  validFrom: Date;
  validTo?: Date | null;
}

/** Gathers the facts the policy needs from the database and asks `can`. */
@Injectable()
export class AccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async decide(actor: Actor, action: Action, personId?: string, m: EntityManager = this.dataSource.manager): Promise<Decision> {
    if (!isPersonAction(action) || personId === undefined) return can(actor.roles, action);
    const now = this.clock.now();
    const [relationships, sessions] = await Promise.all([
      m.query(
        `SELECT DISTINCT kind FROM access_relationships
          WHERE user_id = $1 AND person_id = $2 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)`,
        [actor.userId, personId, now],
      ) as Promise<Array<{ kind: RelationshipKind }>>,
      m.query(
        `SELECT id FROM break_glass_sessions
          WHERE user_id = $1 AND person_id = $2 AND started_at <= $3 AND expires_at > $3 AND ended_at IS NULL
          ORDER BY expires_at DESC LIMIT 1`,
        [actor.userId, personId, now],
      ) as Promise<Array<{ id: string }>>,
    ]);
    return can(actor.roles, action, { relationships: relationships.map((r) => r.kind), breakGlassSessionId: sessions[0]?.id });
  }

  /**
   * A SQL condition limiting a list to the people this actor may see, for `WHERE ${sql}`; `personColumn` is the
   * list's person id column and parameters are numbered from `firstParam`.
   */
  scope(actor: Actor, action: Action, personColumn: string, firstParam: number): { sql: string; params: unknown[] } {
    const scope = personScope(actor.roles, action);
    if (scope.all) return { sql: 'TRUE', params: [] };
    const [u, k, t] = [firstParam, firstParam + 1, firstParam + 2];
    const parts: string[] = [];
    if (scope.relationships.length) {
      parts.push(`${personColumn} IN (SELECT person_id FROM access_relationships WHERE user_id = $${u} AND kind = ANY($${k}::text[]) AND valid_from <= $${t} AND (valid_to IS NULL OR valid_to > $${t}))`);
    }
    if (scope.breakGlass) {
      parts.push(`${personColumn} IN (SELECT person_id FROM break_glass_sessions WHERE user_id = $${u} AND started_at <= $${t} AND expires_at > $${t} AND ended_at IS NULL)`);
    }
    if (!parts.length) return { sql: 'FALSE', params: [] };
    return { sql: `(${parts.join(' OR ')})`, params: [actor.userId, scope.relationships, this.clock.now()] };
  }

  async grant(m: EntityManager, rel: NewRelationship): Promise<AccessRelationshipEntity> {
    return m.getRepository(AccessRelationshipEntity).save(m.getRepository(AccessRelationshipEntity).create({ ...rel, validTo: rel.validTo ?? null }));
  }

  /** Ends the relationships a source created (e.g. a referral closed or re-allocated). */
  async end(m: EntityManager, sourceType: string, sourceId: string, at: Date, userId?: string): Promise<number> {
    const result = await m.query(
      `UPDATE access_relationships SET valid_to = $3
        WHERE source_type = $1 AND source_id = $2 AND (valid_to IS NULL OR valid_to > $3) AND valid_from < $3
          AND ($4::uuid IS NULL OR user_id = $4)`,
      [sourceType, sourceId, at, userId ?? null],
    );
    return result[1] ?? 0;
  }
}
