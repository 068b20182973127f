#!/usr/bin/env node
// Kept minimal: oclif's execute() alone (not the '@oclif/core' index, which also loads what only other
// entry points use and checks the Node version with semver) and nothing else; each command imports what
// it needs. With the commands on the same subpath imports, the CPU a fresh `ldi-gltf build` spends before
// its first pixel went 632 → 582 ms (median of 9, busy 2-core box; see src/cli/startup-trace.ts).
import {execute} from '@oclif/core/execute';

await execute({dir: import.meta.url});
