import { Module } from '@nestjs/common';
import { DateOfBirthChanges } from './date-of-birth-changes';
import { DisplacementChanges } from './displacement-changes';
import { PersonMoves } from './person-moves';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';
import { RelativesController } from './relatives.controller';
import { RelativesService } from './relatives.service';

/**
 * People who are the subject of referrals. Exports PeopleService: referral intake calls `findOrCreate(m, actor, dto)`
 * in its own transaction, and `get(m, id)` where it has decided access and audits the read itself.
 * Exports RelativesService: the assessments module calls `nearestRelativeState(m, personId, asAt, regime)` for the
 * person-level nearest-relative facts (proposal, objections, displacement) and audits the read itself.
 * Exports DisplacementChanges: the referrals module registers how a s.29 application moves its clocks (NR-11).
 * Exports DateOfBirthChanges: the referrals module registers how a date of birth changed re-judges POL-09.
 * Exports PersonMoves: the modules keeping records by person register how theirs follow a same-person match.
 */
@Module({
  controllers: [PeopleController, RelativesController],
  providers: [PeopleService, RelativesService, DisplacementChanges, DateOfBirthChanges, PersonMoves],
  exports: [PeopleService, RelativesService, DisplacementChanges, DateOfBirthChanges, PersonMoves],
})
export class PeopleModule {}
