import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { IsInstant } from '../../common/validators';

export class CreateManagerOnCallDto {
  @ApiProperty({ format: 'uuid', description: 'An active user with the manager role.' }) @IsUUID() userId: string;
  @ApiProperty({ format: 'date-time' }) @IsInstant() startsAt: string;
  @ApiProperty({ format: 'date-time', description: 'After startsAt, at most 14 days later.' }) @IsInstant() endsAt: string;
}

export class ManagerOnCallDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
}

export class ManagerOnCallListDto {
  @ApiProperty({ type: [ManagerOnCallDto] }) items: ManagerOnCallDto[];
}
