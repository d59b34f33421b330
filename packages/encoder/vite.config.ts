// Library build (ESM + declarations, WGSL inlined): see build.config.ts at the workspace root.
import { libraryConfig } from '../../build.config.ts';

export default libraryConfig(import.meta.url);
