import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { MyOfferListDto } from './dto/referral.dto';
import { ReferralsService } from './referrals.service';

/** The offers of referrals made to me, for the AMHP's phone: what to accept or decline now. */
@ApiTags('referrals')
@Controller('me/offers')
export class MyOffersController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @Authorize('referrals.respond')
  @ApiOperation({
    summary:
      'The open offers made to me, newest first: the referral, its legal context, the running clocks with their deadlines (also in local time), when it is passed on if nobody accepts (DUTY-03), and the person where the policy lets me read them (audited). Offers withdrawn, or taken by another AMHP, drop off.',
  })
  @ApiOkResponse({ type: MyOfferListDto })
  async list(@CurrentActor() actor: Actor): Promise<MyOfferListDto> {
    return { items: await this.referrals.myOffers(actor) };
  }
}
