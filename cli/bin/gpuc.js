#!/usr/bin/env node
// The `gpuc` command. The repository runs TypeScript directly (no build step), so this shim registers tsx's
// loader and hands over to src/main.ts.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
