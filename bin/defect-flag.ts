import { parseDefectList, UnknownDefectError, type DefectName, type DefectRoom } from '../sim/defects.ts';

/**
 * A `--defects a,b` value checked against the registry (`sim/defects.ts`): a name unknown, or of a
 * room this process does not run, stops the CLI once, up front, with a message naming the flag.
 */
export function defectsFlag(value: string, rooms: readonly DefectRoom[], fail: (message: string) => never): DefectName[] {
  try {
    return parseDefectList(value, '--defects', rooms);
  } catch (err) {
    if (err instanceof UnknownDefectError) fail(err.message);
    throw err;
  }
}
