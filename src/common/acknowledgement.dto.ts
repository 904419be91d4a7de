import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { MinLength, trim } from './validators';

/** A warning the service gave, answered: its code and the reason it is accepted (the findings' answered-warning pattern). */
export class AcknowledgementDto {
  @ApiProperty({ description: "The warning's code." }) @IsString() @MaxLength(100) code: string;
  @ApiProperty({ minLength: 10 }) @Transform(trim) @IsString() @MinLength(10) @MaxLength(2000) reason: string;
}
