/**
 * The hostile corpus as data: several hundred requests a careless or malicious client might send,
 * by category, each a named case (see hostile.test.ts, which runs one test per case).
 */
import type { Attack } from './target';
import { addRequestCases } from './requests';
import { addLimitCases } from './limits';
import { addValueCases } from './values';
import { addTransportCases } from './transport';

export { ADMIN, CREATE_BOOKING, CREATE_WORKSPACE, LOGIN, PASSWORD, SERVICES, UPDATE_ME, workspaceInput } from './cases';

/** Every case, built once; the cases read the target when they are sent. */
export function corpus(): Attack[] {
  const list: Attack[] = [];
  const add = (...attacks: Attack[]) => list.push(...attacks);
  addRequestCases(add);
  addLimitCases(add);
  addValueCases(add);
  addTransportCases(add);
  return list;
}
