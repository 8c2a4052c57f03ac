import type { FactoryProvider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CHAT_TOOLS_OPTIONS } from './chat-tools.constants.js';
import type { ChatToolsModuleOptions } from './chat-tools-options.interface.js';
import { InMemoryRunStateStore } from './in-memory-run-state-store.js';
import { RunStateStore } from './run-state-store.js';

/**
 * Provides {@link RunStateStore}: `options.runStateStore` (an instance, or a class Nest instantiates
 * with the module's injector), else an {@link InMemoryRunStateStore}.
 */
export const runStateStoreProvider: FactoryProvider<RunStateStore> = {
  provide: RunStateStore,
  inject: [CHAT_TOOLS_OPTIONS, ModuleRef],
  useFactory: async (options: ChatToolsModuleOptions, moduleRef: ModuleRef): Promise<RunStateStore> => {
    const store = options.runStateStore;
    if (store === undefined) return new InMemoryRunStateStore();
    return typeof store === 'function' ? moduleRef.create(store) : store;
  },
};
