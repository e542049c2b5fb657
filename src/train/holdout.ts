/**
 * The validation split: a fixed part of the training images held out of training, so that
 * the weights a run keeps are chosen without ever looking at a test set. Which images are
 * held out depends only on their names and the count, never on a random seed or on the order
 * folders were listed in, so every run and every resume of a run validates on the same images.
 */
import { UsageError } from "../errors.ts";
import type { NamedImage } from "../eval/protocol.ts";

/** The training images and the held-out validation images. */
export interface HoldoutSplit {
  train: NamedImage[];
  validation: NamedImage[];
}

/**
 * Holds out `count` images spread evenly over the images sorted by name (the middle of each of
 * `count` equal runs), so that every source folder is represented in proportion to its size.
 */
export function splitHoldout(images: readonly NamedImage[], count: number): HoldoutSplit {
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(
      `the validation hold-out must be a positive number of images, not ${count}`,
    );
  }
  if (count >= images.length) {
    throw new UsageError(
      `cannot hold out ${count} of ${images.length} training images for validation: ` +
        `nothing would be left to train on`,
    );
  }
  const sorted = [...images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const held = new Set<number>();
  for (let j = 0; j < count; j++) held.add(Math.floor(((j + 0.5) * sorted.length) / count));
  return {
    train: sorted.filter((_, i) => !held.has(i)),
    validation: sorted.filter((_, i) => held.has(i)),
  };
}

/**
 * Standard super-resolution test sets: scores on them are reported, never used to train,
 * tune or choose weights. Matched against a folder's last path component, case-insensitively.
 */
const TEST_SET_NAMES = [
  "set5",
  "set14",
  "bsd100",
  "b100",
  "urban100",
  "manga109",
  "vid4",
];

/** Whether a folder is (by its name) one of the standard test sets. */
export function isTestSet(dir: string): boolean {
  const last = dir.replace(/[/\\]+$/, "").split(/[/\\]/).at(-1)?.toLowerCase() ?? "";
  return TEST_SET_NAMES.some((name) => last === name || last.startsWith(`${name}_`));
}
