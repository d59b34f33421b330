// Library build (ESM + declarations, WGSL inlined): see packages/opticspace/build.config.ts.
import { libraryConfig } from '../opticspace/build.config.ts';

export default libraryConfig(import.meta.url);
