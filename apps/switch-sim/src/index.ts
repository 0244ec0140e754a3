export { startFleet, type SimFleet } from './fleet';
export { SimSwitch, fingerprintOf, DEFAULT_MAX_CHANNELS_PER_CONNECTION } from './sim-switch';
export {
  fleetFromCount,
  loadFleetFile,
  isLoopback,
  HOSTNAME_PATTERN,
  type ContainerSeed,
  type SimFleetOptions,
  type SimSwitchOptions,
} from './options';
export type { ContainerState, DeviceState, DockerState, Mgmt0State, NatRule } from './device-state';
