import {createRequire} from 'node:module';

/** This package's version (read from package.json, which sits two levels above both src/ and dist/). */
export const TOOL_VERSION: string = (createRequire(import.meta.url)('../package.json') as {version: string}).version;
