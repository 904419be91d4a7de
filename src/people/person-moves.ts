import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What one module moved from one person to another: its record kind (`assessments`) and their ids. */
export type MovedRecords = Record<string, string[]>;

type Mover = (m: EntityManager, fromPersonId: string, toPersonId: string, at: Date) => Promise<MovedRecords>;

/**
 * What follows when a pending identity match is resolved as the same person: every record kept against the pending
 * person (recorded from what a referrer sent) moves to the recorded person, so that one person's record says what
 * happened, and whoever may act on it (the allocated AMHP, the AMHP conducting the assessment, break-glass on the
 * referral) still may. Modules that keep records by person and depend on this one (assessments, safeguarding)
 * register how theirs move at start-up; each runs in the resolution's transaction, so the match, the records and the
 * relationships that follow them commit together, or none does.
 */
@Injectable()
export class PersonMoves {
  private readonly movers: Mover[] = [];

  register(mover: Mover): void {
    this.movers.push(mover);
  }

  /** Runs every registered mover; what each moved, merged by record kind. */
  async move(m: EntityManager, fromPersonId: string, toPersonId: string, at: Date): Promise<MovedRecords> {
    const moved: MovedRecords = {};
    for (const mover of this.movers)
      for (const [kind, ids] of Object.entries(await mover(m, fromPersonId, toPersonId, at)))
        if (ids.length) moved[kind] = [...(moved[kind] ?? []), ...ids];
    return moved;
  }
}
