// Types of what eslint.config.js exports, for test/lint/layering.test.ts.
import type { Linter } from 'eslint';

declare const config: Linter.Config[];
export default config;
export declare const compositionRoots: string[];
