import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { schemaRef, type SchemaName } from './schemas';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `errors` names each bad field. Nothing was stored or enqueued.',
  401: 'Missing or unknown bearer token.',
  404: 'No resource with this id.',
  409: 'Conflict (see `message`).',
  413: 'Body larger than the limit.',
};

/** The error responses a route can give, all in the one error shape. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...[401, ...statuses].map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status],
        schema: schemaRef('ApiError'),
      }),
    ),
  );
}

export function ApiJsonBody(name: SchemaName, examples: Record<string, unknown>) {
  return ApiBody({
    required: true,
    schema: schemaRef(name),
    examples: Object.fromEntries(Object.entries(examples).map(([key, value]) => [key, { value }])),
  });
}

export function ApiOk(
  status: number,
  name: SchemaName,
  description: string,
  options: { list?: boolean; example?: unknown } = {},
) {
  const schema = options.list
    ? { type: 'array' as const, items: schemaRef(name) }
    : schemaRef(name);
  return ApiResponse({
    status,
    description,
    schema,
    ...(options.example === undefined ? {} : { example: options.example }),
  });
}

export const ApiIdParam = (name = 'id', description = 'Resource id') =>
  ApiParam({ name, description, schema: { type: 'string' } });

export const ApiLimitQuery = () =>
  ApiQuery({
    name: 'limit',
    required: false,
    description: 'At most this many (1-1000, default 50).',
    schema: { type: 'integer' },
  });

/** Documents `Idempotency-Key` and the extra 409 it can cause. */
export function ApiIdempotent() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any 1-255 printable characters, unique per intended action. Repeating the request with the same key and body returns the first answer (with `Idempotent-Replayed: true`) for 24 h; another body or a request still running with that key gives 409.',
    }),
  );
}

/** Example objects used in the document. */
export const EXAMPLES = {
  switchInput: {
    name: 'n9k_lab.dc1-01',
    host: '127.0.0.11',
    port: 22,
    credentialRef: 'lab-admin',
    tags: ['lab', 'dc1'],
  },
  switch: {
    id: '8f8e1f6a-4a0c-4d55-9a53-6f1f4f7f3b10',
    name: 'n9k_lab.dc1-01',
    host: '127.0.0.11',
    port: 22,
    credentialRef: 'lab-admin',
    tags: ['dc1', 'lab'],
    legacyAlgorithms: false,
    hostKey: null,
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:00:00.000Z',
  },
  jobInput: {
    switchId: '8f8e1f6a-4a0c-4d55-9a53-6f1f4f7f3b10',
    step: 'start-docker',
    dryRun: true,
  },
  rolloutInput: {
    tags: ['lab'],
    params: { image: 'nginx:1.25', containerName: 'web', ports: [{ host: 30080, container: 80 }] },
    strategy: { concurrency: 10, canary: 1, maxFailurePercentage: 10 },
  },
  webhookInput: {
    url: 'https://hooks.example.com/switchyard',
    events: ['rollout.completed', 'job.failed'],
  },
} as const;
