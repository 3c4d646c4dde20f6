import type { ServerEventMap } from '@switchboard/protocol';
import { EventHub } from './event-hub';

const started = (sessionId: string): ServerEventMap['turn.started'] =>
  ({ sessionId, turnId: `t-${sessionId}`, modelConfigId: 'main' }) as unknown as ServerEventMap['turn.started'];

describe('EventHub', () => {
  it('tells other replicas about watches of every session and of one session, not about local-only ones', () => {
    const hub = new EventHub();
    let changes = 0;
    hub.onInterestChange(() => changes++);
    const offLocal = hub.watch(null, () => undefined, ['turn.started'], { localOnly: true });
    expect(hub.localInterest()).toEqual({ all: false, sessions: [] });
    expect(changes).toBe(0);
    // It still counts here: the engine builds what it reads.
    expect(hub.hasWatchers('s1', 'turn.started')).toBe(true);

    const offOne = hub.watch('s1', () => undefined);
    expect(hub.localInterest()).toEqual({ all: false, sessions: ['s1'] });
    const offAll = hub.watch(null, () => undefined);
    expect(hub.localInterest()).toEqual({ all: true, sessions: ['s1'] });
    offAll();
    offOne();
    expect(hub.localInterest()).toEqual({ all: false, sessions: [] });
    offLocal();
    expect(hub.hasWatchers('s1', 'turn.started')).toBe(false);
  });

  it("gives a local-only watcher this process's events and never another replica's", () => {
    const hub = new EventHub();
    const local: string[] = [];
    const shared: string[] = [];
    hub.watch(null, (_e, p) => local.push((p as { sessionId: string }).sessionId), undefined, { localOnly: true });
    hub.watch(null, (_e, p) => shared.push((p as { sessionId: string }).sessionId));
    hub.emit('turn.started', started('here'));
    hub.deliver('turn.started', started('elsewhere'));
    expect(local).toEqual(['here']);
    expect(shared).toEqual(['here', 'elsewhere']);
  });
});
