export { buildEmbeddedSystem, type EmbeddedOptions, type EmbeddedSystem } from './embedded.js';
