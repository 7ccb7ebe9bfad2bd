/** Human-readable model summaries: parameter counts per top-level module. */
import type { ParamLayout } from '../nn/params.ts';

/** Groups parameter sizes by the first `depth` components of their names, in order. */
export function countByModule(layout: ParamLayout, depth = 1): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of layout.specs) {
    const key = s.name.split('.').slice(0, depth).join('.');
    counts.set(key, (counts.get(key) ?? 0) + s.size);
  }
  return counts;
}

/**
 * "name: 1.23M parameters (1234567)", then one line per top-level module and the config as
 * JSON.
 */
export function describeModel(name: string, config: object, layout: ParamLayout): string {
  const lines = [`${name}: ${layout.describeCount()} parameters (${layout.size})`];
  const counts = countByModule(layout);
  const width = Math.max(...[...counts.keys()].map((k) => k.length));
  for (const [module, n] of counts) lines.push(`  ${module.padEnd(width)}  ${n}`);
  lines.push(`  config ${JSON.stringify(config)}`);
  return lines.join('\n');
}
