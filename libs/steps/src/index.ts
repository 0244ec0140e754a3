export * from './configure-mgmt.step';
export * from './deploy-container.step';
export * from './http-checker';
export * from './registry';
export * from './start-docker.step';
export * from './step';
export * from './step-run';
export * from './verify-nat.step';
