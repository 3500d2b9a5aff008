export * from './parley-error.js';
export * from './catalog.js';
