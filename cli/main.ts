/**
 * fsrcnn command line: `upscale`, `bench`, `train` and `eval`. A thin shell over mod.ts: it
 * parses flags, prints, and picks exit codes (0 ok, 1 failure, 2 usage error, 130, 143 or 129
 * when SIGINT, SIGTERM or SIGHUP stopped it).
 */
// First: it sets up the environment that the native libraries read when they load.
import "./environment.ts";
import { Command, CommanderError } from "commander";
import config from "../deno.json" with { type: "json" };
import { benchCommand } from "./commands/bench.ts";
import { evalCommand } from "./commands/eval.ts";
import { jobCommands } from "./commands/jobs.ts";
import { trainCommand } from "./commands/train.ts";
import { upscaleCommand } from "./commands/upscale.ts";
import { EXIT, exitWithError } from "./run.ts";

/** This program's version (deno.json). */
export const VERSION: string = config.version;

export function buildProgram(): Command {
  const program = new Command("fsrcnn")
    .description("FSRCNN super-resolution for videos, frame sequences and images")
    .version(`fsrcnn ${VERSION}`, "-V, --version", "print the version and exit")
    .exitOverride()
    // Flags belong to the command they follow (`upscale plan IN OUT --scale 3` is plan's).
    .enablePositionalOptions()
    .configureOutput({
      writeErr: (s) => Deno.stderr.writeSync(new TextEncoder().encode(s)),
      writeOut: (s) => Deno.stdout.writeSync(new TextEncoder().encode(s)),
    });
  program.addCommand(upscaleCommand(jobCommands()));
  program.addCommand(trainCommand());
  program.addCommand(evalCommand());
  program.addCommand(benchCommand());
  // One line per usage error (commander's own); exit status 2, see below.
  for (const c of program.commands) c.exitOverride();
  return program;
}

if (import.meta.main) {
  try {
    await buildProgram().parseAsync(Deno.args, { from: "user" });
  } catch (e) {
    // Commander has printed its one line: help and version exit 0, every other complaint is a
    // usage error.
    if (e instanceof CommanderError) Deno.exit(e.exitCode === 0 ? EXIT.ok : EXIT.usage);
    exitWithError(e);
  }
}
