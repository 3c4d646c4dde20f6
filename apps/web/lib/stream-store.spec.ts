import { StreamStore } from './stream-store';

function manualStore() {
  const pending: Array<() => void> = [];
  const store = new StreamStore((flush) => pending.push(flush));
  const frame = () => pending.splice(0).forEach((f) => f());
  return { store, frame, pending };
}

describe('StreamStore', () => {
  it('shows the first token at once, then notifies the subscriber once per frame however many arrived', () => {
    const { store, frame, pending } = manualStore();
    const seen: string[] = [];
    store.subscribe('m1', () => seen.push(store.get('m1')));
    for (const d of ['Hel', 'lo', ', ', 'world']) store.append('m1', d);
    expect(seen).toEqual(['Hel']);
    expect(pending).toHaveLength(1);
    frame();
    expect(seen).toEqual(['Hel', 'Hello, world']);
    frame();
    expect(seen).toHaveLength(2);
  });

  it('only notifies subscribers of the message that changed', () => {
    const { store, frame } = manualStore();
    const a = jest.fn();
    const b = jest.fn();
    store.subscribe('a', a);
    store.subscribe('b', b);
    store.append('a', 'x');
    frame();
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
  });

  it('keeps text for messages nobody watches yet, without scheduling frames', () => {
    const { store, pending } = manualStore();
    store.append('later', 'abc');
    expect(pending).toHaveLength(0);
    expect(store.get('later')).toBe('abc');
  });

  it('seeds from a history read only when that text is longer (a resync never loses streamed text)', () => {
    const { store } = manualStore();
    store.append('m', 'Hello there, friend');
    store.seed('m', 'Hello');
    expect(store.get('m')).toBe('Hello there, friend');
    store.seed('m', 'Hello there, friend, and more');
    expect(store.get('m')).toBe('Hello there, friend, and more');
  });

  it('forgets a finished message and stops notifying after unsubscribe', () => {
    const { store, frame } = manualStore();
    const l = jest.fn();
    const off = store.subscribe('m', l);
    store.append('m', 'x'); // the first token: at once
    store.append('m', 'y');
    store.finish('m');
    frame();
    expect(l).toHaveBeenCalledTimes(1);
    expect(store.has('m')).toBe(false);
    off();
    store.append('m', 'z');
    frame();
    expect(l).toHaveBeenCalledTimes(1);
  });

  it('takes a 10,000-token stream in linear time', () => {
    const { store } = manualStore();
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) store.append('big', 'word ');
    expect(store.get('big')).toHaveLength(50_000);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});
