import { Module } from '@nestjs/common';
import { WorkforceModule } from '../workforce/workforce.module';
import { LeaveSwapsController } from './leave-swaps.controller';
import { LeaveService } from './leave.service';
import { RotaModule } from './rota.module';
import { SwapsService } from './swaps.service';

/** Leave and shift swaps: built on the rota's exported services, so every rule is checked in one place. */
@Module({
  imports: [RotaModule, WorkforceModule],
  controllers: [LeaveSwapsController],
  providers: [LeaveService, SwapsService],
})
export class LeaveSwapsModule {}
