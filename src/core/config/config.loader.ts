import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ZodIssue } from 'zod';
import { HubConfig, hubConfigSchema } from './config.schema';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** YAML files merged in order (later wins). Default: config/default.yaml + $HUB_CONFIG. */
  files?: string[];
  env?: NodeJS.ProcessEnv;
  /** Applied last; used by the demo and tests to plug in simulators. */
  overrides?: DeepPartial<HubConfig>;
}

export type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of configuration objects: mappings merge key by key, anything else (lists too) replaces. */
export function deepMerge(base: Plain, patch: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Plain, value) : value;
  }
  return out;
}

/** Remembers which file last set each top-level-and-below key so errors can name it. */
function recordOrigins(value: unknown, origin: string, prefix: string, origins: Map<string, string>): void {
  if (!isPlainObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    origins.set(path, origin);
    recordOrigins(child, origin, path, origins);
  }
}

function originOf(path: string, origins: Map<string, string>): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const found = origins.get(p);
    if (found) return found;
  }
  return 'configuration';
}

function describeIssue(issue: ZodIssue, origins: Map<string, string>): string {
  const path = issue.path.join('.');
  const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  if (unknownKeys.length > 0) {
    return unknownKeys
      .map((key) => {
        const full = path ? `${path}.${key}` : key;
        return `${originOf(full, origins)}: ${full}: unknown key`;
      })
      .join('\n');
  }
  return `${originOf(path, origins)}: ${path || '(root)'}: ${issue.message}`;
}

/** Environment variables for secrets and deployment specifics override the files. */
function fromEnvironment(env: NodeJS.ProcessEnv): Plain {
  const patch: Plain = {};
  if (env.HUB_ROLE) patch.role = env.HUB_ROLE;
  if (env.DATABASE_URL) patch.database = { url: env.DATABASE_URL };
  if (env.REDIS_URL) patch.redis = { url: env.REDIS_URL };
  if (env.PORT) patch.http = { port: Number(env.PORT) };
  return patch;
}

export function loadConfig(options: LoadConfigOptions = {}): HubConfig {
  const env = options.env ?? process.env;
  const files = options.files ?? [
    resolve('config/default.yaml'),
    ...(env.HUB_CONFIG ? [resolve(env.HUB_CONFIG)] : []),
  ];
  const origins = new Map<string, string>();
  let merged: Plain = {};
  for (const file of files) {
    if (!existsSync(file)) throw new ConfigError(`${file}: configuration file not found`);
    const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(doc.errors.map((e) => `${file}: ${e.message}`).join('\n'));
    }
    const content: unknown = doc.toJS() ?? {};
    if (!isPlainObject(content)) throw new ConfigError(`${file}: (root): must be a mapping`);
    recordOrigins(content, file, '', origins);
    merged = deepMerge(merged, content);
  }
  const envPatch = fromEnvironment(env);
  recordOrigins(envPatch, 'environment', '', origins);
  merged = deepMerge(merged, envPatch);
  if (options.overrides) {
    recordOrigins(options.overrides, 'overrides', '', origins);
    merged = deepMerge(merged, options.overrides as Plain);
  }
  const parsed = hubConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => describeIssue(issue, origins));
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
