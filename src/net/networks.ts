/**
 * The networks in one table: each name with its architecture and shape. Everything that names,
 * builds or recognises a network (weights files, `train --network`, `bench --network`, the
 * engines) reads this table; a new network is a folder (src/net/<name>/), a row here and its
 * name in {@link NetworkName} (the compiler holds the two to each other).
 */
import { UsageError } from "../core/errors.ts";
import type { Architecture, NetConfig, NetworkWeights } from "./arch.ts";
import { FSRCNN } from "./fsrcnn/architecture.ts";
import { DEFAULT_SHAPE } from "./fsrcnn/config.ts";

/** One row of {@link NETWORKS}. */
export interface NetworkSpec {
  /** What it is, in a few words (for help texts). */
  description: string;
  /** Its architecture. */
  architecture: Architecture;
  /** Its hyperparameters besides the scale. */
  shape: Readonly<Record<string, number>>;
}

/**
 * Every network by name, in the order help texts list them: the paper's FSRCNN(56, 12, 4), and
 * its small FSRCNN-s(32, 5, 1), about a third of the work per pixel.
 */
export const NETWORKS = {
  fsrcnn: {
    description: "FSRCNN(56, 12, 4), the paper's network",
    architecture: FSRCNN,
    shape: DEFAULT_SHAPE,
  },
  "fsrcnn-s": {
    description: "FSRCNN-s(32, 5, 1), the paper's small, fast network",
    architecture: FSRCNN,
    shape: { d: 32, s: 5, m: 1 },
  },
} as const satisfies Record<NetworkName, NetworkSpec>;

/**
 * The name of a network: one of {@link NETWORK_NAMES}. Spelled out rather than taken from the
 * table, so that the public type does not expose the architectures behind it.
 */
export type NetworkName = "fsrcnn" | "fsrcnn-s";

/** Every network's name, in table order. */
export const NETWORK_NAMES: readonly NetworkName[] = Object.freeze(
  Object.keys(NETWORKS) as NetworkName[],
);

/** Whether a string names a network. */
export function isNetworkName(value: string): value is NetworkName {
  return Object.hasOwn(NETWORKS, value);
}

/**
 * Parses a network name, as a user may give it.
 *
 * @throws {UsageError} Not one of {@link NETWORK_NAMES}.
 */
export function parseNetwork(value: string): NetworkName {
  if (isNetworkName(value)) return value;
  throw new UsageError(`unknown network "${value}" (choose ${NETWORK_NAMES.join(", ")})`);
}

/** The architecture of a network. */
export function architectureOf(network: NetworkName): Architecture {
  return NETWORKS[network].architecture;
}

/**
 * The checked config of a network at a scale, its registered shape overridden by `shape` (for
 * experiments).
 *
 * @throws {UsageError} An unsupported scale, or a hyperparameter out of its range.
 */
export function networkConfig(
  network: NetworkName,
  scale: number,
  shape: Readonly<Partial<Record<string, number>>> = {},
): NetConfig {
  const spec = NETWORKS[network];
  const merged: Record<string, number> = { ...spec.shape };
  for (const [k, v] of Object.entries(shape)) if (v !== undefined) merged[k] = v;
  return spec.architecture.config(scale, merged);
}

/**
 * The network a config of `architecture` is: the one registered with exactly its shape, else
 * the first registered with that architecture (a shape of its own, e.g. from an experiment).
 */
export function networkOf(architecture: Architecture, config: NetConfig): NetworkName {
  const same = NETWORK_NAMES.filter((n) => NETWORKS[n].architecture === architecture);
  const exact = same.find((n) =>
    Object.entries(NETWORKS[n].shape).every(([k, v]) => config[k] === v)
  );
  return exact ?? same[0];
}

/** A short label of weights' network and shape, e.g. `fsrcnn-s (d=32, s=5, m=1)`. */
export function networkLabel(w: Pick<NetworkWeights, "network" | "config">): string {
  const arch = architectureOf(w.network);
  return `${w.network} (${arch.hyperparameters.map((k) => `${k}=${w.config[k]}`).join(", ")})`;
}
