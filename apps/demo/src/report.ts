import type { RolloutView, StepResult } from '@switchyard/contracts';

/** One word per step for the table: what the step did on that switch. */
export function stepCell(result: StepResult | undefined): string {
  if (!result) return '-';
  if (result.status === 'failed') return `FAILED ${result.error?.code ?? ''}`.trim();
  if (result.status === 'planned') return result.changed ? 'would change' : 'no change';
  if (result.status !== 'succeeded') return result.status;
  return result.changed ? 'changed' : 'unchanged';
}

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Tracks what has been printed, so that polling a rollout prints each step's outcome once,
 * as it happens.
 */
export class ProgressPrinter {
  private readonly seen = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  update(view: RolloutView): void {
    for (const run of view.switches) {
      for (const step of run.steps) {
        if (step.status === 'running' || step.status === 'pending') continue;
        const key = `${run.switchId}/${step.step}/${step.status}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        const seconds =
          step.durationMs === null ? '' : ` in ${(step.durationMs / 1000).toFixed(1)} s`;
        this.write(
          `  ${run.switchName.padEnd(16)} ${step.step.padEnd(17)} ${stepCell(step)}${seconds}`,
        );
      }
      const finalKey = `${run.switchId}/final/${run.state}`;
      if (
        ['succeeded', 'failed', 'skipped', 'cancelled'].includes(run.state) &&
        !this.seen.has(finalKey)
      ) {
        this.seen.add(finalKey);
        if (run.state !== 'succeeded') {
          this.write(
            `  ${run.switchName.padEnd(16)} ${run.state}${run.error ? `: ${run.error.code} ${run.error.message}` : ''}`,
          );
        }
      }
    }
  }
}
