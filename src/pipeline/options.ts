import { InputError } from '../model/errors.js';

/**
 * One option schema. Every option is declared once — its flag, its help, the key it has in job
 * files and in the library's options, how its text is parsed (with units) and its default — by
 * the analysis that uses it or, for reading and frame selection, in input-options.ts. The
 * commands' flags, their --help, batch job files (whose unknown keys are errors) and the
 * library's `analyze(file, options)` are all made from these declarations.
 */
export type Command = 'analyze' | 'batch' | 'view' | 'info';

export interface OptionDecl {
  /** camelCase key: job files, the library's options, and the commander name of the flag. */
  key: string;
  /** Flag as commander takes it: "--rdf <a,b>", "--remove-drift". */
  flag: string;
  help: string;
  /** Commands that offer it (batch: also as a job-file key). */
  commands: readonly Command[];
  /** Given several times, collected into a list. */
  repeatable?: boolean;
  /** A switch without a value. */
  boolean?: boolean;
  /** Default value as text (shown in --help). */
  defaultText?: string;
  /** Parse a value (already a string) into what the analysis uses; `name` is the flag, for errors. */
  parse?: (text: string, name: string) => unknown;
}

/** Options as people write them: flags (strings, lists of strings, switches), or the same keys in a job file (numbers allowed). */
export type RawOptions = Record<string, unknown>;

/** Options parsed: each declared key that was given, with its parsed value (lists stay lists). */
export interface ParsedOptions {
  has(key: string): boolean;
  get<T>(key: string): T | undefined;
  /** All given keys. */
  keys(): string[];
}

/** Parse raw options against the declarations; unknown keys are errors that name the key. */
export function parseOptions(decls: readonly OptionDecl[], raw: RawOptions, where = 'options'): ParsedOptions {
  const byKey = new Map(decls.map((d) => [d.key, d]));
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const d = byKey.get(key);
    if (!d) throw new InputError(`${where}: unknown option ${JSON.stringify(key)} (known: ${[...byKey.keys()].join(', ')})`);
    const name = flagName(d);
    if (d.boolean) {
      if (typeof value !== 'boolean') throw new InputError(`${where}: ${name} is a switch: true or false, not ${JSON.stringify(value)}`);
      if (value) values.set(key, true);
      continue;
    }
    const one = (v: unknown): unknown => {
      if (typeof v !== 'string' && typeof v !== 'number') throw new InputError(`${where}: ${name} takes text${d.repeatable ? ' (or a list of texts)' : ''}, not ${JSON.stringify(v)}`);
      return d.parse ? d.parse(String(v), name) : String(v);
    };
    if (d.repeatable) {
      if (!Array.isArray(value)) throw new InputError(`${where}: "${key}" must be a list of strings, e.g. [${JSON.stringify(String(value))}]`);
      values.set(key, value.map(one));
    } else {
      if (Array.isArray(value)) throw new InputError(`${where}: ${name} is given once, not as a list`);
      values.set(key, one(value));
    }
  }
  return {
    has: (key) => values.has(key),
    get: <T>(key: string) => values.get(key) as T | undefined,
    keys: () => [...values.keys()],
  };
}

/** "--type-map" of "--type-map <map>". */
export function flagName(d: OptionDecl): string {
  return d.flag.split(/\s+/)[0];
}

/** The commander-style camelCase name of a flag: what `key` must be. */
export function camelOfFlag(flag: string): string {
  return flagName({ flag } as OptionDecl)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Declarations must not repeat a key or a flag (one option, one declaration). */
export function checkDeclarations(decls: readonly OptionDecl[]): void {
  const keys = new Set<string>(), flags = new Set<string>();
  for (const d of decls) {
    const flag = flagName(d);
    if (keys.has(d.key) || flags.has(flag)) throw new Error(`internal: option ${d.key} (${flag}) is declared twice`);
    if (camelOfFlag(d.flag) !== d.key) throw new Error(`internal: option ${flag} must have the key ${camelOfFlag(d.flag)}, not ${d.key}`);
    keys.add(d.key);
    flags.add(flag);
  }
}
