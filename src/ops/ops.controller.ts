import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../access/authorize.decorator';
import { ServiceUnavailableProblem, UnauthorizedProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

export class HealthDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  @Get('health/live')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The process is up.' })
  @ApiOkResponse({ type: HealthDto })
  live(): HealthDto {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The service can reach its database (503 when it cannot).' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable.' })
  async ready(): Promise<HealthDto> {
    // A frozen server never answers: give up after 2 s rather than the statement timeout.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('readiness probe timed out')), 2000);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } catch {
      throw new ServiceUnavailableProblem();
    } finally {
      clearTimeout(timer);
    }
    return { status: 'ok' };
  }

  @Get('metrics')
  @Public()
  @ApiExcludeEndpoint()
  async scrape(@Headers('authorization') auth: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    // Prometheus scrapes without a user token; METRICS_TOKEN, when set, must be presented as a bearer token.
    if (this.config.metricsToken && auth !== `Bearer ${this.config.metricsToken}`)
      throw new UnauthorizedProblem('A metrics token is required.');
    reply.header('content-type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
