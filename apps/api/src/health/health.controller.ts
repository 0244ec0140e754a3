import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../http/http-types';
import type { Redis } from 'ioredis';
import { Public } from '../auth/bearer-auth.guard';
import { REDIS } from '../api-runtime';
import { ApiOk } from '../openapi/decorators';

/** How long the health check waits for Redis to answer PING, in ms. */
const REDIS_PING_TIMEOUT_MS = 1_000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  @Get('healthz')
  @Public()
  @ApiOperation({
    summary: 'Liveness and Redis reachability',
    description: 'No token needed. 503 when Redis does not answer.',
  })
  @ApiOk(200, 'Health', 'Redis answers.', { example: { status: 'ok', redis: 'ok' } })
  @ApiOk(503, 'Health', 'Redis does not answer.', {
    example: { status: 'unavailable', redis: 'unreachable' },
  })
  async check(@Res() res: HttpResponse): Promise<void> {
    const reachable = await this.pingRedis();
    if (!reachable) {
      res
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .json({ status: 'unavailable', redis: 'unreachable' });
      return;
    }
    res.status(HttpStatus.OK).json({ status: 'ok', redis: 'ok' });
  }

  private async pingRedis(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS);
    });
    try {
      const answer = this.redis
        .ping()
        .then((reply) => reply === 'PONG')
        .catch(() => false);
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
