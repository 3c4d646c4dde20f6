import type { Message } from '@switchboard/protocol';
import { relativeTime } from '../../lib/format';
import { AlertIcon, ArchiveIcon, BoltIcon, EditIcon, InfoIcon, MemoryIcon, PauseIcon } from '../shell/icons';

interface EngineRef {
  label?: string;
}

function engineSwitchText(m: Message): string {
  const ev = m.event as { from?: EngineRef; to?: EngineRef; reason?: string } | null;
  if (ev?.from?.label && ev.to?.label) return `Engine switched: ${ev.from.label} → ${ev.to.label}${ev.reason ? ` · ${ev.reason}` : ''}`;
  return m.content;
}

const KIND: Partial<Record<Message['kind'], { Icon: typeof InfoIcon; tone: string; text?: (m: Message) => string }>> = {
  engine_switch: { Icon: BoltIcon, tone: 'engine', text: engineSwitchText },
  model_fallback: { Icon: AlertIcon, tone: 'warn' },
  turn_interrupted: { Icon: PauseIcon, tone: 'muted' },
  turn_error: { Icon: AlertIcon, tone: 'error' },
  compaction: { Icon: ArchiveIcon, tone: 'muted' },
  title_change: { Icon: EditIcon, tone: 'muted' },
  memory_saved: { Icon: MemoryIcon, tone: 'memory' },
  notice: { Icon: InfoIcon, tone: 'muted' },
};

/** A system event as one distinct line in the transcript (engine switch, fallback, compaction, memory saved...). */
export function SystemEvent({ message }: { message: Message }) {
  const meta = KIND[message.kind] ?? { Icon: InfoIcon, tone: 'muted' };
  const text = meta.text ? meta.text(message) : message.content;
  return (
    <div className={`event event--${meta.tone}`} data-kind={message.kind}>
      <meta.Icon size={14} />
      <span className="event__text">{text}</span>
      <time className="event__time" dateTime={message.createdAt} title={new Date(message.createdAt).toLocaleString()}>
        {relativeTime(message.createdAt)}
      </time>
    </div>
  );
}
