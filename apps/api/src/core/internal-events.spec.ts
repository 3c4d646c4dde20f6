import { InternalEvents } from './internal-events';

describe('InternalEvents', () => {
  it('runs every handler of an event, not those of others, and stops after unsubscribe', async () => {
    const events = new InternalEvents();
    const seen: string[] = [];
    const off = events.on('person.merged', (e) => void seen.push(`a:${e.from}>${e.to}`));
    events.on('person.merged', async (e) => void seen.push(`b:${e.from}>${e.to}`));
    events.on('memory.saved', () => void seen.push('memory'));
    await events.emit('person.merged', { from: 'x', to: 'y' });
    off();
    await events.emit('person.merged', { from: 'p', to: 'q' });
    expect(seen).toEqual(['a:x>y', 'b:x>y', 'b:p>q']);
  });

  it('rejects with a handler’s failure after the other handlers ran', async () => {
    const events = new InternalEvents();
    let ran = false;
    events.on('memory.saved', () => {
      throw new Error('boom');
    });
    events.on('memory.saved', async () => {
      ran = true;
    });
    await expect(events.emit('memory.saved', { sessionId: 's', text: 't', memoryIds: [] })).rejects.toThrow('boom');
    expect(ran).toBe(true);
    await expect(events.emit('usage.recorded', { role: 'primary', modelConfigId: 'm', inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0 })).resolves.toBeUndefined();
  });
});
