/** The hub's one endUserIp normaliser lives in core: the signing API validates with it too. */
export { isValidEndUserIp, normaliseEndUserIp } from '../../src/core/http/end-user-ip';
