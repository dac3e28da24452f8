export { startBankIdSimulator } from './server';
export type { BankIdSimulator, BankIdSimulatorOptions, BankIdSimulatorTimings } from './server';
