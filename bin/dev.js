#!/usr/bin/env -S node --import=tsx
import {execute} from '@oclif/core';

import {applyCliV8Flags} from '../src/cli/v8-flags.js';

applyCliV8Flags();
await execute({development: true, dir: import.meta.url});
