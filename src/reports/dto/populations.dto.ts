import { ApiProperty } from '@nestjs/swagger';

export class PopulationYearDto {
  @ApiProperty({ example: 2024 }) year: number;
  @ApiProperty({
    enum: ['broad', 'detailed'],
    description: 'broad: White, Mixed, Asian, Black, Other; detailed: NHS ethnic category codes A-S.',
  })
  level: string;
  @ApiProperty({ example: 192, description: 'Lines loaded (age band × sex × group).' }) lines: number;
  @ApiProperty({ example: 300000, description: 'The population of the year, all lines added.' }) total: number;
  @ApiProperty({ format: 'date-time' }) loadedAt: string;
  @ApiProperty({ format: 'uuid', description: 'Who loaded it.' }) loadedBy: string;
}

export const POPULATION_CSV_EXAMPLE = 'year,ageBand,sex,ethnicGroup,population\n2024,18-34,female,A,21500\n2024,18-34,female,N,1900\n';
