export * from './errors';
export * from './events';
export * from './queues';
export * from './rollouts';
export * from './steps';
export * from './switches';
export * from './webhooks';
