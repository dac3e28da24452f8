/** Injection tokens for values that are not classes. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const SIGNING_PROVIDER = Symbol('SIGNING_PROVIDER');
export const ARCHIVE_TARGET = Symbol('ARCHIVE_TARGET');
export const RESULT_SINKS = Symbol('RESULT_SINKS');
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
