// The energy room's public names: op counts, SyOPs from firing rates, hardware and radio profiles, energy reports.
export { HARDWARE_PROFILES, RADIO_PROFILES, hardwareProfile, radioProfile } from './profiles';
export type { HardwareProfile, RadioProfile } from './profiles';
export { LAYER_ROLES, PAPER_COUNTED_ROLES, checkLayerRoles, countOps } from './ops';
export type { CountedLayer, OpCount, OpCountOptions, SplitPointMacs } from './ops';
export { FIRING_RATES_FORMAT, firingRatesFromMonitor, parseFiringRates } from './firing-rates';
export type { FiringRates, LayerFiringRates, SplitPointFiringRates } from './firing-rates';
export { syops } from './syops';
export { NETWORK_KINDS, energyReport } from './report';
export type { EnergyOptions, EnergyReport, EnergyRow, LayerEnergy, NetworkKind } from './report';
export { energyTable } from './energy-table';
export type { EnergyTableOptions } from './energy-table';
export { SPIKEBOTTLENET_TABLE3_FIRING_RATES } from './spikebottlenet-rates';
export { PAPER_TABLE3_PRINTED } from './paper-table3';
export { paperTable3Reports, table3ReportsPerSplit } from './table3';
export type { Table3Network, Table3Reports } from './table3';
export { DEVICE_ENERGY_PARTS, backboneDeviceLayers, deviceEnergy, splitDeviceLayers } from './device-energy';
export type {
  DeviceEnergy,
  DeviceEnergyOptions,
  DeviceLayer,
  DeviceLayerEnergy,
  DeviceEnergyPart,
} from './device-energy';
export * from './accumulate-counter';
