/** Reflect-metadata key under which `@Toolset` records its options on the class. */
export const TOOLSET_METADATA = 'chat-cmpl-stream-handler:toolset';

/** Reflect-metadata key under which `@Tool` records `{ method, options }` entries on the class (own entries only). */
export const TOOLS_METADATA = 'chat-cmpl-stream-handler:tools';

/** Reflect-metadata key under which `@Describe` records property descriptions on the class (own entries only). */
export const PROPERTY_DESCRIPTIONS_METADATA = 'chat-cmpl-stream-handler:property-descriptions';

/** Reflect-metadata key under which `@Describe` on a class records the class description. */
export const CLASS_DESCRIPTION_METADATA = 'chat-cmpl-stream-handler:class-description';
