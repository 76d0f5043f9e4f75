import { readSimulatorConfig } from './simulator-config';

describe('readSimulatorConfig', () => {
  it('defaults to 127.0.0.1:3001, seed 1, real time, any client', () => {
    expect(readSimulatorConfig({})).toEqual({
      port: 3001,
      host: '127.0.0.1',
      seed: 1,
      timeScale: 1,
      clientId: undefined,
      clientSecret: undefined,
      faults: {},
    });
  });

  it('reads every variable', () => {
    const config = readSimulatorConfig({
      SIMULATOR_PORT: '0',
      SIMULATOR_HOST: '0.0.0.0',
      SIMULATOR_SEED: '42',
      SIMULATOR_TIME_SCALE: '0.5',
      SIMULATOR_CLIENT_ID: 'id',
      SIMULATOR_CLIENT_SECRET: 'secret',
      SIMULATOR_ERROR_RATE: '0.1',
      SIMULATOR_TIMEOUT_RATE: '.05',
      SIMULATOR_LATENCY_MS: '250',
      SIMULATOR_MALFORMED_RATE: '1',
    });
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      seed: 42,
      timeScale: 0.5,
      clientId: 'id',
      clientSecret: 'secret',
      faults: { errorRate: 0.1, timeoutRate: 0.05, latencyMs: 250, malformedRate: 1 },
    });
  });

  it.each([
    ['SIMULATOR_PORT', 'abc'],
    ['SIMULATOR_PORT', '70000'],
    ['SIMULATOR_PORT', '30.5'],
    ['SIMULATOR_SEED', 'one'],
    ['SIMULATOR_TIME_SCALE', '0'],
    ['SIMULATOR_TIME_SCALE', '-2'],
    ['SIMULATOR_TIME_SCALE', 'fast'],
    ['SIMULATOR_ERROR_RATE', '1.5'],
    ['SIMULATOR_ERROR_RATE', '-0.1'],
    ['SIMULATOR_TIMEOUT_RATE', 'half'],
    ['SIMULATOR_LATENCY_MS', '-5'],
    ['SIMULATOR_LATENCY_MS', '2.5'],
    ['SIMULATOR_MALFORMED_RATE', '0x1'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readSimulatorConfig({ [name]: value })).toThrow(name);
  });

  it('leaves out fault settings that are zero', () => {
    expect(readSimulatorConfig({ SIMULATOR_ERROR_RATE: '0', SIMULATOR_LATENCY_MS: '0' }).faults).toEqual({});
  });

  it('wants both client credentials or neither', () => {
    expect(() => readSimulatorConfig({ SIMULATOR_CLIENT_ID: 'id' })).toThrow('SIMULATOR_CLIENT_SECRET');
    expect(() => readSimulatorConfig({ SIMULATOR_CLIENT_SECRET: 's' })).toThrow('SIMULATOR_CLIENT_ID');
  });
});
