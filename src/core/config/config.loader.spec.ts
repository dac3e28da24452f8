import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.loader';

const DEFAULT = resolve(__dirname, '../../../config/default.yaml');

function writeYaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gch-config-')), 'site.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration loader', () => {
  it('loads the shipped default and demo files', () => {
    const config = loadConfig({ files: [DEFAULT], env: {} });
    expect(config.role).toBe('all');
    expect(config.database.url).toBe('sqlite:data/hub.sqlite');
    expect(config.workflow.collectIntervalMs).toBe(2000);
  });

  it('accepts the annotated production example over the default', () => {
    const config = loadConfig({
      files: [DEFAULT, resolve(__dirname, '../../../config/production.example.yaml')],
      env: {},
    });
    expect(config.apiClients.map((c) => c.roles[0])).toEqual(['sas', 'approver', 'admin']);
    expect(config.signing.bankid.baseUrl).toBe('https://appapi2.bankid.com/rp/v6.0');
  });

  it('names the file, the key and the problem for an unknown key', () => {
    const site = writeYaml('redis:\n  url: redis://127.0.0.1:6379\n  prefx: typo\n');
    expect(() => loadConfig({ files: [DEFAULT, site], env: {} })).toThrow(
      `${site}: redis.prefx: unknown key`,
    );
  });

  it('names the file, the key and the problem for a wrong value', () => {
    const site = writeYaml(
      'apiClients:\n  - id: sas\n    keySha256: nothex\n    municipalityCode: "2281"\n    schoolUnits: ["*"]\n    roles: [sas]\n',
    );
    let message = '';
    try {
      loadConfig({ files: [DEFAULT, site], env: {} });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(
      `${site}: apiClients.0.keySha256: must be 64 lowercase hex characters (SHA-256 of the key)`,
    );
  });

  it('lets environment variables override files for deployment specifics', () => {
    const config = loadConfig({
      files: [DEFAULT],
      env: { DATABASE_URL: 'postgres://hub@db:5432/hub', HUB_ROLE: 'worker', REDIS_URL: 'redis://r:6379' },
    });
    expect([config.database.url, config.role, config.redis.url]).toEqual([
      'postgres://hub@db:5432/hub',
      'worker',
      'redis://r:6379',
    ]);
    expect(() => loadConfig({ files: [DEFAULT], env: { HUB_ROLE: 'both' } })).toThrow(
      'environment: role: Invalid enum value',
    );
  });

  it('reports a missing file and broken YAML by file name', () => {
    expect(() => loadConfig({ files: ['/nonexistent/hub.yaml'], env: {} })).toThrow(
      '/nonexistent/hub.yaml: configuration file not found',
    );
    const broken = writeYaml('redis: [unclosed\n');
    expect(() => loadConfig({ files: [DEFAULT, broken], env: {} })).toThrow(broken);
  });
});
