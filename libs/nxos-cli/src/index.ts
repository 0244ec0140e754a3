export * from './cli-session';
export * from './nxos-cli-session';
export * from './output';
export * from './prompts';
