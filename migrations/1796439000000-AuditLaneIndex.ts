import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index of each audit lane's events in order, so verification and the checkpoint job read only the events after
 * each lane's last checkpoint. Without it they read the lanes together in id order from the oldest lane's checkpoint:
 * on 20 million events, with one quiet lane, GET /audit-events/verify read ten seconds of the log to recompute 5,000
 * events (bench/audit.bench.js).
 *
 * Built CONCURRENTLY, outside a transaction, so a hub upgrading with years of audit events keeps answering (and
 * auditing) while it builds; an index left invalid by an interrupted build is dropped and built again.
 */
export class AuditLaneIndex1796439000000 implements MigrationInterface {
  name = 'AuditLaneIndex1796439000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS audit_events_lane_idx`);
    await q.query(`CREATE INDEX CONCURRENTLY audit_events_lane_idx ON audit_events (lane, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS audit_events_lane_idx`);
  }
}
