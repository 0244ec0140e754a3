export * from './cli-session';
