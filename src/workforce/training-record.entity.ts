import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, ForeignKey } from 'typeorm';
import { PractitionerEntity } from './practitioner.entity';

/** Refresher training counted against the yearly requirement of the approval (AMHP-06). */
@Entity('training_records')
@Check('training_records_hours', `hours > 0 AND hours <= 200`)
@Index('training_records_practitioner_idx', ['practitionerId', 'completedOn'])
export class TrainingRecordEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ForeignKey(() => PractitionerEntity, { onDelete: 'RESTRICT' })
  @Column('uuid')
  practitionerId: string;

  @Column('date')
  completedOn: string;

  @Column('numeric', { precision: 5, scale: 2, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  hours: number;

  @Column('text')
  provider: string;

  @Column('text')
  topic: string;

  @Column('boolean', { default: true })
  mentalHealthSpecific: boolean;

  @Column('text', { nullable: true })
  notes: string | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid')
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /**
   * Removed as entered in error (DELETE /training-records/:id): kept on the record, with who removed it and when, and
   * of no effect: no year's hours count it (AMHP-06), and the LSSA's record of her training still shows it (AMHP-09).
   */
  @Column('timestamptz', { nullable: true })
  removedAt: Date | null;

  @ForeignKey('users', { onDelete: 'RESTRICT' })
  @Column('uuid', { nullable: true })
  removedBy: string | null;
}
