import { Module } from '@nestjs/common';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

/**
 * People who are the subject of referrals. Exports PeopleService: referral intake calls `findOrCreate(m, actor, dto)`
 * in its own transaction, and `get(m, id)` where it has decided access and audits the read itself.
 */
@Module({
  controllers: [PeopleController],
  providers: [PeopleService],
  exports: [PeopleService],
})
export class PeopleModule {}
