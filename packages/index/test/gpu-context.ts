/** The GPU test context of @opticspace/gpu (fails, never skips, without an adapter). */
export { useGpu, expectClose } from '../../gpu/test/gpu-test-context';
