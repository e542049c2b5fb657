import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { parseArrayTasks, parseJobId } from "../media/ffmpeg/scheduler.ts";
import {
  commonFolder,
  kubernetesJobs,
  type KubernetesOptions,
  toYaml,
  writeKubernetesJobs,
  yamlString,
} from "./kubernetes.ts";
import { checkPrintable } from "./printable.ts";
import { arrayChunks, batchScript, sbatchFolder, shellQuote } from "./slurm.ts";

/**
 * " (skipped: …)" where python3 with PyYAML is missing, else "": PyYAML is not a dependency of
 * this project, and the README promises that Node.js alone runs the tests, so the read-backs
 * through it are skipped there and say so.
 */
const NO_PYYAML = await (async () => {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import yaml"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.code === 0 ? "" : " (skipped: python3 has no PyYAML)";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return " (skipped: python3 is not installed)";
    throw e;
  }
})();

/** YAML text (every document) read back by PyYAML, as JSON data. */
async function parseYaml(text: string): Promise<unknown> {
  const py = new Deno.Command("python3", {
    args: [
      "-c",
      "import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(sys.stdin))))",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = py.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const out = await py.output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `PyYAML could not read it: ${err}\n${text}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Values a hostile caller might give: quotes, YAML and shell syntax, %, non-ASCII. */
const CRAFTED = [
  `/mnt/a" ]\n- kind: Pod`.replace("\\n", " "),
  `x: y # z`,
  `'single' "double" \\ back`,
  "$(touch /tmp/pwned) `id` ${HOME} 100% %A %%",
  "- [a, b]: {c}",
  "caf\u00e9 \u{1F600} \u00a0nbsp",
  "no",
  "",
];

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

Deno.test("batchScript: crafted words come out literal, the comment stays comment", async () => {
  const words = [...CRAFTED, "line one\nline two; echo injected", "tab\there"];
  const script = batchScript(
    ["printf", "[%s]\\n", ...words],
    "plan in /w\necho injected-from-comment",
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/job.sbatch`, script);
    const syntax = await new Deno.Command("bash", { args: ["-n", `${dir}/job.sbatch`] }).output();
    assert.equal(syntax.code, 0, new TextDecoder().decode(syntax.stderr));
    const out = await new Deno.Command("sh", { args: [`${dir}/job.sbatch`], cwd: dir }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout), words.map((w) => `[${w}]\n`).join(""));
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir), (e) => e.name), ["job.sbatch"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sbatchFolder: % doubled for sbatch's file name patterns; a backslash refused", () => {
  const table: [string, string][] = [
    ["/shared/job/logs", "/shared/job/logs"],
    ["/shared/100% done/logs", "/shared/100%% done/logs"],
    ["/a/%j%%/logs", "/a/%%j%%%%/logs"],
  ];
  for (const [folder, escaped] of table) assert.equal(sbatchFolder(folder), escaped, folder);
  assert.throws(() => sbatchFolder("/a\\b/logs"), UsageError);
});

Deno.test("checkPrintable: control characters refused, in one line naming the value", () => {
  const table: [string, boolean][] = [
    ["/shared/job", true],
    ["/films/caf\u00e9 100% $(x)", true],
    ["/a\nb", false],
    ["/a\tb", false],
    ["/a\rb", false],
    ["/a\u007fb", false],
    ["/a\u0085b", false],
    ["/a\u2028b", false],
    ["/a\u001bb", false],
  ];
  for (const [value, ok] of table) {
    if (ok) checkPrintable(value, "the work folder");
    else {
      assert.throws(() => checkPrintable(value, "the work folder"), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.equal(
          e.message,
          `${
            JSON.stringify(value)
          }: the work folder has a control character (newline, tab, …) in it`,
        );
        assert.ok(!/[\n\r]/.test(e.message));
        return true;
      });
    }
  }
});

Deno.test("parseArrayTasks: squeue's array job ids and task indices, other jobs left out", () => {
  assert.deepEqual(
    parseArrayTasks("1234 0\n1234 3\n1300 N/A\n1401 7\n\n"),
    new Map([["1234", [0, 3]], ["1401", [7]]]),
  );
  assert.deepEqual(parseArrayTasks(""), new Map());
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

Deno.test({
  name: `toYaml: a YAML parser (PyYAML) reads it back as the same data${NO_PYYAML}`,
  ignore: NO_PYYAML !== "",
  fn: async () => assert.deepEqual(await parseYaml(toYaml(YAML_DATA)), [YAML_DATA]),
});

Deno.test("yamlString: printable ASCII only, every other character escaped", () => {
  assert.equal(yamlString('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
  assert.equal(yamlString("caf\u00e9\u2028\u0085\n"), '"caf\\u00e9\\u2028\\u0085\\u000a"');
  assert.equal(yamlString("\u{1F600}"), '"\\U0001f600"');
  for (const v of CRAFTED) assert.match(yamlString(v), /^"[\x20-\x7e]*"$/);
});

Deno.test({
  name: `toYaml: crafted strings and keys read back as exactly the same data${NO_PYYAML}`,
  ignore: NO_PYYAML !== "",
  fn: async () => {
    const data = {
      strings: CRAFTED,
      keys: Object.fromEntries(CRAFTED.map((v, i) => [v, i])),
      nested: [{ a: CRAFTED[0], b: [CRAFTED[1]] }],
      control: "a\nkind: Pod\r\u0000\u007f\u0085\u2028\u2029 end",
    };
    assert.deepEqual(await parseYaml(toYaml(data)), [data]);
  },
});

const K8S: KubernetesOptions = {
  work: "/mnt/films/work",
  tasks: 3,
  image: "registry/fsrcnn:1",
  command: { segment: ["deno", "seg"], join: ["deno", "join"] },
  claim: "films",
  mount: "/mnt/films",
};

Deno.test("kubernetesJobs: a control character in any value, or a crafted claim, is refused", () => {
  const bad: Partial<KubernetesOptions>[] = [
    { work: "/mnt/films/work\n---\nkind: Pod" },
    { work: "/mnt/films/work\u2028x" },
    { image: "evil\n  image: x" },
    { claim: "films\nkind: Pod" },
    { claim: "films # x" },
    { claim: 'films"' },
    { claim: "Films" },
    { mount: "/mnt/\tfilms" },
    { command: { segment: ["deno", "a\nb"], join: ["deno"] } },
  ];
  for (const b of bad) {
    assert.throws(() => kubernetesJobs({ ...K8S, ...b }), UsageError, JSON.stringify(b));
  }
  kubernetesJobs({ ...K8S, claim: "films.nfs-1" });
});

Deno.test({
  name:
    `writeKubernetesJobs: crafted paths and image make exactly the two intended Jobs${NO_PYYAML}`,
  ignore: NO_PYYAML !== "",
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      // Printable but hostile: quotes, YAML syntax, a comment sign, %, $(…), non-ASCII.
      const work = `${root}/w" ]: x # y '% $(id) \`id\` caf\u00e9`;
      await Deno.mkdir(work);
      const o: KubernetesOptions = {
        ...K8S,
        work,
        mount: root,
        image: `img:1" # - {kind: Pod}`,
        command: { segment: ["deno", "--work", work], join: ["deno", "--work", work] },
      };
      const files = await writeKubernetesJobs(o);
      const jobs = kubernetesJobs(o);
      for (const key of ["segments", "join"] as const) {
        const back = await parseYaml(await Deno.readTextFile(files[key]));
        assert.deepEqual(back, [jobs[key]]);
      }
      assert.deepEqual(jobs.segments.spec.template.spec.containers[0].command[2], work);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
