// class-transformer 0.5 has no "exports" map and ships its declarations under types/, so the
// CommonJS file that holds the metadata singleton (the one `import 'class-transformer'` loads in
// Node, from ESM and CommonJS alike) needs this declaration to be imported with its types.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
