/**
 * Collect garbage before a memory reading, so RSS and heap figures are about live objects, not garbage not
 * yet collected. Needs `--expose-gc` (the fleet children and the memory sections start with it); without it
 * this does nothing. Twice: the first pass can leave objects only the second frees (weak references, finalizers).
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}
