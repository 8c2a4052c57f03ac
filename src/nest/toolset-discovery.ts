import { Injectable, Scope } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { readToolsetOptions } from '../tools/decorators/metadata-reader.js';
import { ChatToolsModuleError } from './chat-tools-module.error.js';
import { describeValue } from './describe-value.js';

/** Nest's record of one provider (named without importing Nest's internal module path, which differs between versions). */
type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** A `@Toolset` provider found in the application. */
export interface DiscoveredToolset {
  /** The instance Nest created; its `@Tool` methods run with `this` bound to it. */
  readonly instance: object;
  /** Its class (the one carrying `@Toolset`, or a subclass). */
  readonly type: Function;
  /** `@Toolset({ tags })`. */
  readonly tags: readonly string[];
  /** The module that provides it, for messages. */
  readonly module: string;
}

/** Finds every provider whose class carries `@Toolset`, with Nest's `DiscoveryService`. */
@Injectable()
export class ToolsetDiscovery {
  constructor(private readonly discovery: DiscoveryService) {}

  /**
   * The `@Toolset` providers of every module, in module registration order. Call it once all
   * providers are instantiated (from `onModuleInit` on).
   *
   * @throws {ChatToolsModuleError} for a `@Toolset` provider that is request-scoped or transient (or
   *   depends on a request-scoped provider), a class provided by two modules, or malformed tags.
   */
  discover(): DiscoveredToolset[] {
    const found: DiscoveredToolset[] = [];
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.isAlias) continue;
      const toolset = toolsetOf(wrapper);
      if (!toolset || seen.has(toolset.instance)) continue;
      const twin = found.find((other) => other.type === toolset.type);
      if (twin) {
        throw new ChatToolsModuleError(
          `${toolset.type.name} is provided by two modules (${twin.module} and ${toolset.module}), so Nest created two instances whose tools ` +
            `have the same names. Provide it in one module and export it from there.`,
        );
      }
      seen.add(toolset.instance);
      found.push(toolset);
    }
    return found;
  }
}

function toolsetOf(wrapper: InstanceWrapper): DiscoveredToolset | undefined {
  const module = wrapper.host?.metatype?.name ?? 'an unknown module';
  // A class provider (also `useClass`) is recognised by its class even when it has no static
  // instance; value and factory providers only by the object they produced.
  const declared = !wrapper.isNotMetatype && typeof wrapper.metatype === 'function' ? wrapper.metatype : undefined;
  if (declared !== undefined && readToolsetOptions(declared) !== undefined) {
    const problem = scopeProblem(wrapper);
    if (problem) {
      throw new ChatToolsModuleError(
        `${declared.name} (in ${module}) ${problem}, so there is no one shared instance of it that agents, built once, could use. ` +
          'Make the @Toolset provider a singleton (the default scope) and pass per-request data such as the current user ' +
          'as the run context: agent.stream(message, { context: { userId } }), read in the tool as ctx.context.',
      );
    }
  } else if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
    return undefined;
  }
  const instance: unknown = wrapper.instance;
  if (typeof instance !== 'object' || instance === null) return undefined;
  const type = instance.constructor;
  if (typeof type !== 'function') return undefined;
  const options = readToolsetOptions(type);
  if (options === undefined) return undefined;
  const tags = options.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag === '')) {
    throw new ChatToolsModuleError(`@Toolset tags of ${type.name} must be an array of non-empty strings, got ${describeValue(tags)}.`);
  }
  return { instance, type, tags, module };
}

/** Why a provider is not one shared instance, or `undefined` when it is. */
function scopeProblem(wrapper: InstanceWrapper): string | undefined {
  if (wrapper.scope === Scope.REQUEST) return 'is request-scoped (Scope.REQUEST)';
  if (wrapper.isTransient) return 'is transient (Scope.TRANSIENT)';
  if (wrapper.isDependencyTreeStatic()) return undefined;
  const culprit = requestScopedDependency(wrapper, new Set());
  return `depends on ${culprit ? `${String(culprit.name)}, which is request-scoped` : 'a request-scoped provider'}, which makes it request-scoped too`;
}

function requestScopedDependency(wrapper: InstanceWrapper, visited: Set<InstanceWrapper>): InstanceWrapper | undefined {
  visited.add(wrapper);
  const dependencies = [...(wrapper.getCtorMetadata() ?? []), ...(wrapper.getPropertiesMetadata() ?? []).map((property) => property.wrapper)];
  for (const dependency of dependencies) {
    if (!dependency || visited.has(dependency)) continue;
    if (dependency.scope === Scope.REQUEST) return dependency;
    const deeper = requestScopedDependency(dependency, visited);
    if (deeper) return deeper;
  }
  return undefined;
}
