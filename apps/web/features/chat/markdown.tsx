'use client';
import { createContext, memo, useContext, useEffect, useState, useSyncExternalStore, type ComponentType } from 'react';
import type { MarkdownRendererProps } from './markdown.types';

export type { MarkdownRendererProps };
export interface MarkdownModule {
  MarkdownRenderer: ComponentType<MarkdownRendererProps>;
}
type Loader = () => Promise<MarkdownModule>;

/**
 * react-markdown and its plugins load in their own chunk, requested as soon as the chat
 * mounts — in parallel with the conversation's history, so it is there by the time the
 * messages are. Until then (a few milliseconds) text shows as plain, pre-wrapped text.
 * Keeps the chat page's first-load JavaScript small.
 */
class RendererLoader {
  private module: MarkdownModule | null = null;
  private promise: Promise<MarkdownModule> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly load: Loader) {}

  get = (): MarkdownModule | null => this.module;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  preload(): void {
    if (this.promise) return;
    this.promise = this.load();
    this.promise.then(
      (m) => {
        this.module = m;
        for (const l of this.listeners) l();
      },
      () => {
        this.promise = null; // try again on the next render
      },
    );
  }
}

const defaultLoader = new RendererLoader(() => import('./markdown-renderer'));
const LoaderContext = createContext<RendererLoader>(defaultLoader);

/** For tests: render Markdown with a given renderer (or `null` for plain text). */
export function MarkdownRendererProvider({ renderer, children }: { renderer: MarkdownModule | null; children: React.ReactNode }) {
  const [loader] = useState(() => new RendererLoader(() => (renderer ? Promise.resolve(renderer) : new Promise<MarkdownModule>(() => undefined))));
  return <LoaderContext.Provider value={loader}>{children}</LoaderContext.Provider>;
}

/** Starts loading the renderer early (the chat calls this when it mounts). */
export function usePreloadMarkdown(): void {
  const loader = useContext(LoaderContext);
  useEffect(() => loader.preload(), [loader]);
}

/** Markdown text, memoised on its string: a finished block never renders twice. */
export const Markdown = memo(function Markdown({ text, highlight = false }: MarkdownRendererProps) {
  const loader = useContext(LoaderContext);
  const mod = useSyncExternalStore(loader.subscribe, loader.get, () => null);
  useEffect(() => loader.preload(), [loader]);
  if (!mod) return <div className="md md--plain">{text}</div>;
  return <mod.MarkdownRenderer text={text} highlight={highlight} />;
});
