import { Module } from '@nestjs/common';
import { RulesController } from './rules.controller';

/** Serves the law's catalogue (GET /rules); the catalogue itself is pure data in src/statute. */
@Module({ controllers: [RulesController] })
export class RulesModule {}
