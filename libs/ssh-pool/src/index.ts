export * from './algorithms';
export * from './host-key';
export * from './session-pool';
export * from './ssh-errors';
export * from './ssh-session-pool';
