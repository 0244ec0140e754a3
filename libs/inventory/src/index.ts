export * from './credential-store';
export * from './switch-repository';
