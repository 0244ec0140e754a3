import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HttpRequest } from '../http/http-types';
import { JobInputSchema, type JobInput, type JobView } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import type { JobApi } from '@switchyard/rollouts';
import { JOB_API, LOGGER } from '../api-runtime';
import { NotFoundError } from '../http/api-error';
import { IdParamsSchema } from '../http/params';
import { requestLogger } from '../http/request-context';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import {
  ApiErrors,
  ApiIdempotent,
  ApiIdParam,
  ApiJsonBody,
  ApiOk,
  EXAMPLES,
} from '../openapi/decorators';

/** One step on one switch, outside any rollout. */
@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  private readonly logger: Logger;

  constructor(
    @Inject(JOB_API) private readonly jobs: JobApi,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.logger = logger.child({ component: 'JobsController' });
  }

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Run one step on one switch',
    description: 'Enqueued; poll `GET /v1/jobs/{id}` or follow `/v1/events` for progress.',
  })
  @ApiJsonBody('JobInput', { dryRun: EXAMPLES.jobInput })
  @ApiOk(202, 'JobView', 'The job as enqueued.')
  @ApiIdempotent()
  @ApiErrors(400, 409)
  async submit(
    @Body(new ZodValidationPipe(JobInputSchema)) input: JobInput,
    @Req() req: HttpRequest,
  ): Promise<JobView> {
    const job = await this.jobs.submit(input);
    requestLogger(this.logger, req).info(
      { jobId: job.id, switchId: job.switchId, step: input.step, dryRun: input.dryRun },
      'job submitted',
    );
    return job;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a job', description: 'Read from the stored job, not from events.' })
  @ApiIdParam()
  @ApiOk(200, 'JobView', 'The job.')
  @ApiErrors(400, 404)
  async get(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
  ): Promise<JobView> {
    const job = await this.jobs.get(params.id);
    if (!job) throw new NotFoundError('job', params.id);
    return job;
  }
}
