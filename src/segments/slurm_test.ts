import assert from "node:assert/strict";
import { parseJobId } from "../ffmpeg/scheduler.ts";
import { commonFolder, kubernetesJobs, toYaml } from "./kubernetes.ts";
import { arrayChunks, batchScript, shellQuote } from "./slurm.ts";

Deno.test("arrayChunks: task indices as job arrays of at most 1000, with their offsets", () => {
  assert.deepEqual(arrayChunks([0, 1, 2, 3, 7]), [{ offset: 0, spec: "0-3,7", count: 5 }]);
  assert.deepEqual(arrayChunks([2999, 5, 1000, 1001, 999]), [
    { offset: 0, spec: "5,999", count: 2 },
    { offset: 1000, spec: "0-1", count: 2 },
    { offset: 2000, spec: "999", count: 1 },
  ]);
  assert.deepEqual(arrayChunks([]), []);
});

Deno.test("batchScript: one exec line, every word quoted for the shell", () => {
  assert.equal(shellQuote("/usr/bin/deno"), "/usr/bin/deno");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(""), "''");
  assert.equal(
    batchScript(["deno", "run", "/my films/cli.ts", "--work", "$HOME"], "one\ntwo"),
    "#!/bin/sh\n# one\n# two\nexec deno run '/my films/cli.ts' --work '$HOME'\n",
  );
});

Deno.test("parseJobId: sbatch --parsable output", () => {
  assert.equal(parseJobId("1234\n"), "1234");
  assert.equal(parseJobId("1234;cluster\n"), "1234");
  assert.equal(parseJobId("Submitted batch job 1234"), null);
});

Deno.test("kubernetesJobs: an Indexed Job of the tasks and a join Job on one shared volume", () => {
  const jobs = kubernetesJobs({
    work: "/mnt/films/work",
    tasks: 12,
    image: "registry/fsrcnn:1",
    command: { segment: ["deno", "seg"], join: ["deno", "join"] },
    claim: "films",
    mount: "/mnt/films",
    parallelism: 4,
    gpus: 1,
  });
  const seg = jobs.segments.spec;
  assert.equal(seg.completionMode, "Indexed");
  assert.equal(seg.completions, 12);
  assert.equal(seg.parallelism, 4);
  const pod = seg.template.spec;
  assert.equal(pod.restartPolicy, "Never");
  assert.deepEqual(pod.containers[0].command, ["deno", "seg"]);
  assert.deepEqual(pod.containers[0].resources, { limits: { "nvidia.com/gpu": 1 } });
  assert.deepEqual(pod.containers[0].volumeMounts, [{ name: "work", mountPath: "/mnt/films" }]);
  assert.deepEqual(pod.volumes, [{ name: "work", persistentVolumeClaim: { claimName: "films" } }]);
  assert.equal(jobs.join.spec.completions, 1);
  assert.deepEqual(jobs.join.spec.template.spec.containers[0].command, ["deno", "join"]);
  assert.equal(jobs.join.spec.template.spec.containers[0].resources, undefined);
  assert.throws(() => kubernetesJobs({ ...jobs.segments, name: "Bad_Name" } as never));
  assert.equal(
    commonFolder(["/mnt/films/work", "/mnt/films/in/a.mkv", "/mnt/films/out/a.mkv"]),
    "/mnt/films",
  );
  assert.equal(commonFolder(["/a/b", "/c"]), "/");
});

const YAML_DATA = {
  apiVersion: "batch/v1",
  metadata: { name: "x", labels: { "app.kubernetes.io/name": "fsrcnn" } },
  spec: {
    n: 3,
    on: true,
    list: [{ a: 'it\'s "quoted"', b: ["x", "y: z"] }, "plain", 7],
    empty: [],
    none: {},
  },
};

Deno.test("toYaml: block YAML, every string quoted", () => {
  const text = toYaml(YAML_DATA);
  assert.ok(text.startsWith('apiVersion: "batch/v1"\nmetadata:\n  name: "x"\n'), text);
  assert.ok(
    text.includes(
      '  list:\n    - a: "it\'s \\"quoted\\""\n      b:\n        - "x"\n        - "y: z"\n' +
        '    - "plain"\n    - 7\n',
    ),
    text,
  );
});

/** PyYAML's `safe_load` of `text` as JSON, or null when python3 or PyYAML is missing. */
async function pyYamlLoad(text: string): Promise<string | null> {
  let py: Deno.ChildProcess;
  try {
    py = new Deno.Command("python3", {
      args: ["-c", "import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  const w = py.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await py.output();
  return out.code === 0 ? new TextDecoder().decode(out.stdout) : null;
}

// PyYAML is not a dependency of this project, and the README promises that Node.js alone runs
// the tests: where python3 or PyYAML is missing, the round trip is skipped and says so.
const noPyYaml = await pyYamlLoad("{}") === null;

Deno.test({
  name: "toYaml: a YAML parser (PyYAML) reads it back as the same data" +
    (noPyYaml ? " (skipped: python3 with PyYAML is not installed)" : ""),
  ignore: noPyYaml,
  fn: async () => {
    const back = await pyYamlLoad(toYaml(YAML_DATA));
    assert.ok(back !== null, "python3 with PyYAML stopped working");
    assert.deepEqual(JSON.parse(back), YAML_DATA);
  },
});
