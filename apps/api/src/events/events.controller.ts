import { Controller, Get, Headers, Inject, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { z } from 'zod';
import type { RolloutApi } from '@switchyard/rollouts';
import { ROLLOUT_API } from '../api-runtime';
import { InvalidRequestException, NotFoundError } from '../http/api-error';
import { IdParamsSchema } from '../http/params';
import { toFieldErrors, ZodValidationPipe } from '../http/zod-validation.pipe';
import { ApiErrors, ApiIdParam } from '../openapi/decorators';
import { schemaRef } from '../openapi/schemas';
import { EventStreamService } from './event-stream.service';

/** A Redis stream id, as sent in `id:` lines. */
/** Both halves of a Redis stream id are unsigned 64-bit numbers. */
const MAX_STREAM_ID_PART = 2n ** 64n - 1n;

const EventIdSchema = z
  .string()
  .regex(/^\d{1,20}-\d{1,20}$/, 'must be an event id such as 1733300000000-0')
  .refine(
    // Malformed ids are the regex's to report; this only bounds well-formed ones.
    (id) =>
      !/^\d+-\d+$/.test(id) || id.split('-').every((part) => BigInt(part) <= MAX_STREAM_ID_PART),
    'is not an event id (each part must fit in 64 bits)',
  );

const StreamQuerySchema = z.object({ lastEventId: EventIdSchema.optional() }).strict();

const STREAM_DESCRIPTION =
  'Server-sent events: `id:` is the event id, `event:` its type, `data:` the event as JSON; a `: heartbeat` comment every 15 s. ' +
  'Reconnect with `Last-Event-ID` (or `?lastEventId=` where headers cannot be set) to receive what was missed first. ' +
  'Events are hints: read state from the state endpoints.';

/** Live events of everything, or of one rollout. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1')
export class EventsController {
  constructor(
    @Inject(EventStreamService) private readonly streams: EventStreamService,
    @Inject(ROLLOUT_API) private readonly rollouts: RolloutApi,
  ) {}

  @Get('events')
  @ApiOperation({ summary: 'Follow all events', description: STREAM_DESCRIPTION })
  @ApiStreamDocs()
  async all(
    @Query(new ZodValidationPipe(StreamQuerySchema)) query: { lastEventId?: string },
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const lastEventId = resolveLastEventId(lastEventIdHeader, query.lastEventId);
    await this.streams.stream(req, res, {}, lastEventId);
  }

  @Get('rollouts/:id/events')
  @ApiOperation({ summary: 'Follow the events of one rollout', description: STREAM_DESCRIPTION })
  @ApiIdParam()
  @ApiStreamDocs()
  @ApiErrors(404)
  async ofRollout(
    @Param(new ZodValidationPipe(IdParamsSchema)) params: { id: string },
    @Query(new ZodValidationPipe(StreamQuerySchema)) query: { lastEventId?: string },
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Req() req: HttpRequest,
    @Res() res: HttpResponse,
  ): Promise<void> {
    const lastEventId = resolveLastEventId(lastEventIdHeader, query.lastEventId);
    if (!(await this.rollouts.get(params.id))) throw new NotFoundError('rollout', params.id);
    await this.streams.stream(req, res, { rolloutId: params.id }, lastEventId);
  }
}

/** The header wins over the query parameter: browsers send it on their own reconnects. */
function resolveLastEventId(header: string | undefined, query: string | undefined): string | null {
  if (header === undefined || header === '') return query ?? null;

  const parsed = EventIdSchema.safeParse(header);
  if (!parsed.success) {
    throw new InvalidRequestException(
      toFieldErrors(parsed.error).map((e) => ({ ...e, path: 'Last-Event-ID' })),
    );
  }
  return parsed.data;
}

function ApiStreamDocs() {
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'Resume after this event id.',
    })(target, key, descriptor);
    ApiQuery({
      name: 'lastEventId',
      required: false,
      schema: { type: 'string' },
      description: 'Same as Last-Event-ID, for EventSource.',
    })(target, key, descriptor);
    ApiProduces('text/event-stream')(target, key, descriptor);
    ApiResponse({
      status: 200,
      description: 'An endless text/event-stream; each `data:` is one Event.',
      content: {
        'text/event-stream': {
          schema: schemaRef('Event'),
          example:
            'id: 1733300000000-0\nevent: step.started\ndata: {"id":"1733300000000-0","type":"step.started",...}\n\n',
        },
      },
    })(target, key, descriptor);
    ApiErrors(400)(target, key, descriptor);
  };
}
