/**
 * The validation split: a fixed part of the training images held out of training, so that
 * the weights a run keeps are chosen without ever looking at a test set. Which images are
 * held out depends only on their names and the count, never on a random seed or on the order
 * folders were listed in, so every run and every resume of a run validates on the same images.
 */
import { UsageError } from "../core/errors.ts";
import type { NamedImage } from "./protocol.ts";

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

/**
 * The real-footage clips (`../shared/media/footage/`, by file name without extension) kept out
 * of training to validate on: text and fine grids, animal fur on rock, a 1080p street with
 * signs, a low-detail traffic camera, and an MPEG-4 Part 2 clip against the sky. Fixed, so
 * that every run and report validates on the same ones.
 */
export const FOOTAGE_VALIDATION_CLIPS: readonly string[] = [
  "cotracker_bear",
  "davis_rollercoaster",
  "intel_car_detection",
  "sam2_03_blocks",
  "yolov4ds_street_1080p",
];

/**
 * Whether a clip, or a picture taken from one (named `<clip>_<n>`, as
 * tools/footage_frames.ts names them), belongs to the footage validation split.
 */
export function isFootageValidationClip(name: string): boolean {
  return FOOTAGE_VALIDATION_CLIPS.some((clip) => name === clip || name.startsWith(`${clip}_`));
}
