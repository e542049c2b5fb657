/**
 * A single-node Slurm cluster for tests, started from the Debian packages (munge, slurmctld,
 * slurmd, the client commands) with every path in a private folder: its own munge key and
 * socket, state, spool, logs and ports. It needs root (slurmd runs jobs as their user) and
 * uses `proctrack/linuxproc` and `task/none`, so no cgroups are needed. Only the daemons it
 * started are stopped, by their own process handles.
 */
import { run } from "./helpers.ts";

/** A running test cluster. */
export interface SlurmCluster {
  /** Environment for client commands and for our CLI (SLURM_CONF, PATH with sbin). */
  env: Record<string, string>;
  /** Stops the jobs and the daemons, and removes the folder. */
  stop(): Promise<void>;
  /** Kills the daemons at once (for an exiting process, which cannot wait). */
  killNow(): void;
  /** The daemons' logs, for failure messages. */
  logs(): Promise<string>;
}

const PATH = `${Deno.env.get("PATH") ?? ""}:/usr/sbin:/sbin`;

async function which(name: string): Promise<string | null> {
  for (const dir of PATH.split(":")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return null;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Why a cluster cannot be started here, or null when it can be tried. */
export async function slurmUnavailable(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "Slurm test cluster needs Linux";
  if (Deno.uid() !== 0) return "Slurm test cluster needs root (slurmd runs jobs as their user)";
  const tools = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel"];
  const missing = [];
  for (const t of tools) if (!(await which(t))) missing.push(t);
  return missing.length > 0
    ? `Slurm is not installed (missing ${
      missing.join(", ")
    }; apt-get install slurmctld slurmd slurm-client munge)`
    : null;
}

/**
 * Starts munged, slurmctld and slurmd and waits until the node takes jobs.
 *
 * @returns The cluster, or the reason it could not start (everything started is stopped).
 */
export async function startSlurm(): Promise<SlurmCluster | string> {
  const why = await slurmUnavailable();
  if (why) return why;
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-slurm-" });
  const host = (await run("hostname", ["-s"])).stdout.trim() || Deno.hostname();
  const children: Deno.ChildProcess[] = [];
  const cpus = navigator.hardwareConcurrency || 1;
  const conf = `${dir}/slurm.conf`;
  const env = { SLURM_CONF: conf, PATH };
  const logs = async () => {
    const parts = [];
    for (const f of ["munged.log", "slurmctld.log", "slurmd.log"]) {
      const text = await Deno.readTextFile(`${dir}/${f}`).catch(() => "");
      parts.push(`--- ${f}\n${text.split("\n").slice(-15).join("\n")}`);
    }
    return parts.join("\n");
  };
  const stop = async () => {
    await run("scancel", ["--full", "--user=root"], { env }).catch(() => {});
    for (const child of children.reverse()) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      await child.status;
      clearTimeout(timer);
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const killNow = () => {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }
  };
  const spawn = (cmd: string, args: string[]) => {
    const child = new Deno.Command(cmd, {
      args,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    children.push(child);
    return child;
  };
  try {
    const key = new Uint8Array(1024);
    crypto.getRandomValues(key);
    await Deno.writeFile(`${dir}/munge.key`, key, { mode: 0o400 });
    for (const sub of ["state", "spool"]) await Deno.mkdir(`${dir}/${sub}`);
    const socket = `${dir}/munge.socket`;
    spawn("munged", [
      "--foreground",
      "--force",
      `--socket=${socket}`,
      `--key-file=${dir}/munge.key`,
      `--pid-file=${dir}/munged.pid`,
      `--log-file=${dir}/munged.log`,
      `--seed-file=${dir}/munged.seed`,
    ]);
    await Deno.writeTextFile(
      conf,
      [
        "ClusterName=fsrcnntest",
        `SlurmctldHost=${host}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        `SlurmctldPort=${freePort()}`,
        `SlurmdPort=${freePort()}`,
        `StateSaveLocation=${dir}/state`,
        `SlurmdSpoolDir=${dir}/spool`,
        `SlurmctldPidFile=${dir}/slurmctld.pid`,
        `SlurmdPidFile=${dir}/slurmd.pid`,
        `SlurmctldLogFile=${dir}/slurmctld.log`,
        `SlurmdLogFile=${dir}/slurmd.log`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "SchedulerType=sched/builtin",
        "SchedulerParameters=batch_sched_delay=0",
        "MpiDefault=none",
        "ReturnToService=2",
        "JobCompType=jobcomp/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "MinJobAge=600",
        `NodeName=${host} CPUs=${cpus} State=UNKNOWN`,
        "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        "",
      ].join("\n"),
    );
    // munged creates its socket when ready.
    for (let i = 0; i < 100 && !(await Deno.stat(socket).catch(() => null)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    spawn("slurmctld", ["-D", "-i", "-f", conf]);
    spawn("slurmd", ["-D", "-f", conf]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await run("sinfo", ["-h", "-o", "%T"], { env }).catch(() => null);
      if (r && /^idle/m.test(r.stdout)) break;
      if (Date.now() > deadline) {
        const text = await logs();
        await stop();
        return `the Slurm test cluster did not start within 60 s:\n${text}`;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return { env, stop, logs, killNow };
  } catch (e) {
    await stop();
    return `the Slurm test cluster could not start: ${(e as Error).message}`;
  }
}

/** Job ids in the queue. */
export async function queue(env: Record<string, string>): Promise<string[]> {
  const r = await run("squeue", ["-h", "-o", "%i %T %r"], { env });
  return r.stdout.split("\n").map((l) => l.trim()).filter((l) => l);
}

/** Waits until the queue is empty (every job ended). */
export async function drain(env: Record<string, string>, ms = 180_000): Promise<void> {
  const until = Date.now() + ms;
  while ((await queue(env)).length > 0) {
    if (Date.now() > until) throw new Error(`jobs still queued: ${(await queue(env)).join("; ")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
