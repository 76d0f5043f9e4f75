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
    });
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      seed: 42,
      timeScale: 0.5,
      clientId: 'id',
      clientSecret: 'secret',
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
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readSimulatorConfig({ [name]: value })).toThrow(name);
  });

  it('wants both client credentials or neither', () => {
    expect(() => readSimulatorConfig({ SIMULATOR_CLIENT_ID: 'id' })).toThrow('SIMULATOR_CLIENT_SECRET');
    expect(() => readSimulatorConfig({ SIMULATOR_CLIENT_SECRET: 's' })).toThrow('SIMULATOR_CLIENT_ID');
  });
});
