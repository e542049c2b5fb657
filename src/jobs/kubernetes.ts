/**
 * Running a plan on Kubernetes: an Indexed Job whose pods each make the segment given by
 * `JOB_COMPLETION_INDEX`, and a join Job to apply once it has completed. Both mount one
 * ReadWriteMany volume (NFS, CephFS, …) holding the work folder, the inputs and the outputs at
 * the same paths as on the machine that planned. Nothing here talks to a cluster: the user
 * applies the manifests with kubectl.
 */
import { UsageError } from "../core/errors.ts";
import { writing } from "./manifest.ts";
import { checkPrintable } from "./printable.ts";

/** What {@link kubernetesJobs} describes. */
export interface KubernetesOptions {
  /** The work folder (absolute). */
  work: string;
  /** The plan's task count (the Indexed Job's completions). */
  tasks: number;
  /** Container image with Deno, ffmpeg and this project. */
  image: string;
  /** The commands the containers run (segment: the index comes from JOB_COMPLETION_INDEX). */
  command: { segment: string[]; join: string[] };
  /** A ReadWriteMany PersistentVolumeClaim holding the work folder, inputs and outputs. */
  claim: string;
  /** Where the claim is mounted: a folder containing the work folder, inputs and outputs. */
  mount: string;
  /** Pods at once (default: every task). */
  parallelism?: number;
  /** GPUs per segment pod (`nvidia.com/gpu`); default none. */
  gpus?: number;
  /** Name prefix of the Jobs (default `fsrcnn`). */
  name?: string;
}

/** A Kubernetes object, as plain data. */
// deno-lint-ignore no-explicit-any
export type KubeObject = Record<string, any>;

/** The deepest folder containing every path (`/` when they share none). */
export function commonFolder(paths: readonly string[]): string {
  const split = paths.map((p) => p.split("/").filter((x) => x));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s.length > n + 1 && s[n] === first[n])) n++;
  return "/" + first.slice(0, n).join("/");
}

/**
 * The segment Job (Indexed, one completion per task) and the join Job of a plan.
 *
 * @throws {UsageError} A name or count that Kubernetes would refuse, or a value (path, image,
 *   claim, command word) with a control character in it.
 *
 * @example The Jobs of a 60-task plan, 16 GPU pods at a time
 * ```ts
 * import { kubernetesJobs } from "@fsrcnn/deno/jobs";
 * const work = "/mnt/films/job";
 * const cli = ["deno", "run", "-A", "/app/cli/main.ts", "upscale"];
 * const jobs = kubernetesJobs({
 *   work,
 *   tasks: 60,
 *   image: "registry.example/fsrcnn:1",
 *   command: { segment: [...cli, "segment", "--work", work], join: [...cli, "join", "--work", work] },
 *   claim: "films",
 *   mount: "/mnt/films",
 *   parallelism: 16,
 *   gpus: 1,
 * });
 * console.log(jobs.segments.spec.completionMode); // Indexed
 * ```
 */
export function kubernetesJobs(o: KubernetesOptions): { segments: KubeObject; join: KubeObject } {
  const name = o.name ?? "fsrcnn";
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) {
    throw new UsageError(`${name}: not a usable Kubernetes name (lower-case letters, digits, -)`);
  }
  checkPrintable(o.work, "the work folder");
  checkPrintable(o.image, "the image");
  checkPrintable(o.claim, "the claim name");
  checkPrintable(o.mount, "the mount folder");
  for (const word of [...o.command.segment, ...o.command.join]) {
    checkPrintable(word, "a word of the worker's command");
  }
  // A DNS subdomain name (RFC 1123), as Kubernetes names a PersistentVolumeClaim.
  if (
    o.claim.length > 253 ||
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(o.claim)
  ) {
    throw new UsageError(
      `${o.claim}: not a usable claim name (lower-case letters, digits, - and .)`,
    );
  }
  if (!o.mount.startsWith("/") || o.mount === "/") {
    throw new UsageError(`${o.mount}: the volume needs a mount folder other than /`);
  }
  const labels = { "app.kubernetes.io/name": "fsrcnn", "fsrcnn/job": name };
  const volume = { name: "work", persistentVolumeClaim: { claimName: o.claim } };
  const mount = { name: "work", mountPath: o.mount };
  const pod = (container: string, command: string[], gpus?: number): KubeObject => ({
    metadata: { labels },
    spec: {
      restartPolicy: "Never",
      containers: [{
        name: container,
        image: o.image,
        command,
        ...(gpus ? { resources: { limits: { "nvidia.com/gpu": gpus } } } : {}),
        volumeMounts: [mount],
      }],
      volumes: [volume],
    },
  });
  return {
    segments: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: `${name}-segments`, labels },
      spec: {
        completionMode: "Indexed",
        completions: o.tasks,
        parallelism: Math.min(o.parallelism ?? o.tasks, o.tasks),
        // A pod may fail (node lost, evicted); its index is simply run again.
        backoffLimit: Math.min(3 * o.tasks, 10000),
        template: pod("segment", o.command.segment, o.gpus),
      },
    },
    join: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: `${name}-join`, labels },
      spec: { completions: 1, backoffLimit: 2, template: pod("join", o.command.join) },
    },
  };
}

const YAML_WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

/**
 * A YAML double-quoted string that holds only printable ASCII: `"` and backslash escaped,
 * every other character as `\uXXXX` (or `\UXXXXXXXX` beyond the BMP). Raw, some characters that
 * JSON leaves alone are line breaks to a YAML 1.1 reader (U+0085, U+2028, U+2029) or not
 * allowed at all (DEL, C1 controls).
 */
export function yamlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += `\\U${c.toString(16).padStart(8, "0")}`;
  }
  return out + '"';
}

function yamlScalar(v: unknown): string {
  if (typeof v === "string") return yamlString(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "null";
  throw new TypeError(`not a YAML scalar: ${typeof v}`);
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0;
}

/**
 * Block-style YAML of plain data (objects, arrays, strings, numbers, booleans). Strings are
 * written double-quoted (see yamlString), which YAML reads as the same strings.
 */
export function toYaml(value: unknown, indent = ""): string {
  const lines: string[] = [];
  const nested = (v: unknown) => v !== null && typeof v === "object" && !isEmpty(v);
  const empty = (v: unknown) => (Array.isArray(v) ? "[]" : "{}");
  if (Array.isArray(value)) {
    for (const item of value) {
      if (nested(item) && !Array.isArray(item)) {
        const body = toYaml(item, `${indent}  `).split("\n");
        lines.push(`${indent}- ${body[0].trimStart()}`, ...body.slice(1));
      } else if (nested(item)) {
        lines.push(`${indent}-`, toYaml(item, `${indent}  `));
      } else {
        lines.push(
          `${indent}- ${typeof item === "object" && item ? empty(item) : yamlScalar(item)}`,
        );
      }
    }
  } else {
    for (const [k, v] of Object.entries(value as object)) {
      // YAML 1.1 reads bare y/n/yes/no/on/off/true/false/null as booleans or null.
      const bare = /^[A-Za-z_][\w./-]*$/.test(k) && !YAML_WORDS.test(k);
      const key = bare ? k : yamlString(k);
      if (nested(v)) lines.push(`${indent}${key}:`, toYaml(v, `${indent}  `));
      else lines.push(`${indent}${key}: ${typeof v === "object" && v ? empty(v) : yamlScalar(v)}`);
    }
  }
  return lines.join("\n");
}

/**
 * Writes `segments.yaml` and `join.yaml` into `work/kubernetes/` (see {@link kubernetesJobs}).
 *
 * @param o The plan's work folder and task count, the image, the commands and the volume.
 * @returns The two files' paths.
 */
export async function writeKubernetesJobs(
  o: KubernetesOptions,
): Promise<{ segments: string; join: string }> {
  // Checks every value, the header's included.
  const jobs = kubernetesJobs(o);
  const dir = `${o.work}/kubernetes`;
  const header = (what: string) =>
    `# fsrcnn: ${what} for the plan in ${o.work}.\n` +
    `# The claim ${o.claim} (ReadWriteMany) must hold ${o.mount} as on the planning machine.\n`;
  const files = { segments: `${dir}/segments.yaml`, join: `${dir}/join.yaml` };
  await writing(dir, async () => {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(
      files.segments,
      header("one pod per segment (kubectl apply -f segments.yaml)") + toYaml(jobs.segments) +
        "\n",
    );
    await Deno.writeTextFile(
      files.join,
      header("the join, to apply once the segments Job has completed") + toYaml(jobs.join) + "\n",
    );
  });
  return files;
}
