import { Module } from '@nestjs/common';
import { AccountCache } from './account-cache';
import { AccountWithdrawals } from './account-withdrawals';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { TokenService } from './token.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [AuthController, UsersController],
  providers: [AuthService, TokenService, UsersService, AccountCache, AccountWithdrawals],
  exports: [AuthService, UsersService, AccountCache, AccountWithdrawals],
})
export class AuthModule {}
