// `gpuc`: the GPUC command line. See `gpuc --help` and README.md.
import { runCli } from "./cli.ts";

process.exitCode = await runCli(process.argv.slice(2));
