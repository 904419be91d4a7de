import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Thirty-two audit chain lanes instead of eight. A transaction holds its lane from its first audit row to its commit
 * (rows of a lane are chained in commit order), so with eight lanes and ten pooled connections per instance, writes
 * that audit early and commit late (a referral's intake: person, referral, clocks, relationship, outbox) queued for
 * a lane: measured in bench/run.js (P4), a tenth of them waited 26-35 ms for one. Thirty-two covers the pools of three
 * instances at the default DB_POOL_MAX. A new lane starts from the same genesis hash as the first eight; verification
 * and the checkpoints work per lane and take any number.
 */
export class AuditMoreLanes1796436000000 implements MigrationInterface {
  name = 'AuditMoreLanes1796436000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO audit_chain_heads (lane, last_id, last_hash) SELECT g, NULL, repeat('0', 64) FROM generate_series(8, 31) g ON CONFLICT DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // A lane that holds events stays: removing its head would leave its chain without an end to verify against.
    await q.query(`DELETE FROM audit_chain_heads WHERE lane >= 8 AND last_id IS NULL`);
  }
}
