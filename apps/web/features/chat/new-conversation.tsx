'use client';
import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSessionList } from '../../lib/queries';
import { ChevronLeftIcon, SparkIcon } from '../shell/icons';
import { Composer, type ComposerHandle } from './composer';
import { useComposerNotices } from './limit-notice';
import { usePreloadMarkdown } from './markdown';
import { useStartConversation } from './use-start-conversation';
import { DropOverlay, useFileDrop, useLocalAttachmentDraft } from './attachments';

/** The new-conversation screen: optional project and agent, then the first message creates it. */
export function NewConversation({ projectId: initialProject = '' }: { projectId?: string }) {
  usePreloadMarkdown();
  const start = useStartConversation();
  const { data } = useSessionList();
  const composer = useRef<ComposerHandle>(null);
  const [projectId, setProjectId] = useState(initialProject);
  const [agent, setAgent] = useState('');
  const [showOptions, setShowOptions] = useState(Boolean(initialProject));
  const { clear, report, notices } = useComposerNotices();
  const draft = useLocalAttachmentDraft();
  const drop = useFileDrop(draft.add);
  const known = useMemo(() => {
    const projects = new Set<string>();
    const agents = new Set<string>();
    for (const s of data?.sessions ?? []) {
      if (s.projectId) projects.add(s.projectId);
      if (s.agent) agents.add(s.agent);
    }
    return { projects: [...projects].sort(), agents: [...agents].sort() };
  }, [data]);

  useEffect(() => {
    document.title = 'New conversation · Switchboard';
    composer.current?.focus();
  }, []);

  const send = async (text: string) => {
    clear();
    try {
      await start(text, { projectId, agent, files: draft.chosen() });
      draft.sent();
    } catch (err) {
      report(err);
      throw err;
    }
  };

  return (
    <section className={`conversation conversation--new${drop.over ? ' conversation--drop' : ''}`} aria-label="New conversation" {...drop.handlers}>
      {drop.over ? <DropOverlay /> : null}
      <header className="conversation__head">
        <Link href="/chat" className="icon-button conversation__back" aria-label="Back to conversations">
          <ChevronLeftIcon />
        </Link>
        <div className="conversation__title">
          <h1>New conversation</h1>
          <div className="conversation__sub">
            {projectId.trim() ? <span className="muted small">Project · {projectId.trim()}</span> : null}
            {agent.trim() ? <span className="muted small">Agent · {agent.trim()}</span> : null}
          </div>
        </div>
        <button type="button" className="btn btn--ghost btn--sm" aria-expanded={showOptions} aria-controls="new-options" onClick={() => setShowOptions((v) => !v)} data-testid="new-options-toggle">
          Project and agent
        </button>
      </header>
      {showOptions ? (
        <div className="new-options" id="new-options">
          <label className="new-options__field">
            <span className="field-label">Project</span>
            <input className="new-options__input" list="known-projects" value={projectId} maxLength={200} placeholder="none" onChange={(e) => setProjectId(e.target.value)} data-testid="new-project" />
            <datalist id="known-projects">
              {known.projects.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
          <label className="new-options__field">
            <span className="field-label">Agent</span>
            <input className="new-options__input" list="known-agents" value={agent} maxLength={100} placeholder="by channel rules" onChange={(e) => setAgent(e.target.value)} data-testid="new-agent" />
            <datalist id="known-agents">
              {known.agents.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </label>
          <p className="muted small new-options__hint">A project keeps its own memories; an agent (from the config file) brings its model and system prompt.</p>
        </div>
      ) : null}
      <div className="empty-chat">
        <SparkIcon size={28} />
        <h2>Start a conversation</h2>
        <p className="muted">Nothing is saved until you send the first message.</p>
      </div>
      <div className="conversation__foot">
        {notices}
        <Composer ref={composer} onSend={send} onStop={() => undefined} running={false} draft={draft} />
      </div>
    </section>
  );
}
