/**
 * Resident memory of this process per benchmark cell. A running peak over the whole benchmark
 * says nothing about one cell (resident memory seldom shrinks), so each cell starts its own
 * measurement: on Linux the kernel's high-water mark (VmHWM) is reset to the current resident
 * size at the cell's start (`/proc/self/clear_refs`, value 5) and read at its end, which also
 * catches peaks between samples; elsewhere the largest resident size sampled after each run.
 */

/** How a cell's peak was found: the kernel's high-water mark, or samples after each run. */
export type MemoryMethod = "high-water mark" | "sampled";

/** Memory of one cell, in MiB. */
export interface CellMemory {
  /** Resident memory when the cell started. */
  startMiB: number;
  /** Highest resident memory during the cell. */
  peakMiB: number;
}

const MIB = 1024 * 1024;

function rssMiB(): number {
  return Deno.memoryUsage().rss / MIB;
}

/** Resets the kernel's high-water mark to the current resident size; false where it cannot. */
function resetHighWaterMark(): boolean {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** The kernel's high-water mark of resident memory (MiB), or null where it is not reported. */
function highWaterMarkMiB(): number | null {
  try {
    // A few hundred bytes of kernel text, not a user's file.
    const kb = Deno.readTextFileSync("/proc/self/status").match(/^VmHWM:\s*(\d+) kB$/m)?.[1];
    return kb === undefined ? null : (Number(kb) * 1024) / MIB;
  } catch {
    return null;
  }
}

/** Which method {@link watchMemory} uses on this machine. */
export function memoryMethod(): MemoryMethod {
  return resetHighWaterMark() && highWaterMarkMiB() !== null ? "high-water mark" : "sampled";
}

/**
 * Starts measuring one cell: call `sample()` after each run and `end()` when the cell is done.
 * Cells must not overlap (the high-water mark is the process's).
 */
export function watchMemory(): { sample(): void; end(): CellMemory } {
  const reset = resetHighWaterMark();
  const startMiB = rssMiB();
  let sampled = startMiB;
  return {
    sample() {
      sampled = Math.max(sampled, rssMiB());
    },
    end() {
      sampled = Math.max(sampled, rssMiB());
      const hwm = reset ? highWaterMarkMiB() : null;
      return { startMiB, peakMiB: Math.max(sampled, hwm ?? 0) };
    },
  };
}
