import type { Command as Commander } from 'commander';
import { FORMATS } from '../io/formats.js';
import type { Command, OptionDecl, RawOptions } from '../pipeline/options.js';

/**
 * A command's flags, made from the option schema: each declaration offered to `command` becomes
 * one commander option (repeatable ones collect into a list). Defaults are not given to
 * commander: an absent option is absent, and the analysis applies its default (shown in --help).
 */
export function addOptions(cmd: Commander, decls: readonly OptionDecl[], command: Command, helpPrefix = ''): void {
  for (const d of decls) {
    if (!d.commands.includes(command)) continue;
    const help = `${helpPrefix}${d.help}${d.defaultText !== undefined && !/default/.test(d.help) ? ` (default: ${d.defaultText})` : ''}`;
    if (d.repeatable) cmd.option(d.flag, help, (v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    else cmd.option(d.flag, help);
  }
}

/** The values of a command's parsed flags that belong to the schema (the rest are the command's own). */
export function schemaValues(flags: Record<string, unknown>, decls: readonly OptionDecl[], command: Command): RawOptions {
  const out: RawOptions = {};
  for (const d of decls) if (d.commands.includes(command) && flags[d.key] !== undefined) out[d.key] = flags[d.key];
  return out;
}

/** The trajectory argument's help: the formats the registry knows. */
export function trajectoryHelp(): string {
  return `trajectory: ${FORMATS.map((f) => f.name).join(', ')} (recognised from the content); optionally gzip-compressed`;
}
