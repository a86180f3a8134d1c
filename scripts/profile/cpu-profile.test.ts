import { busyMs, inclusiveMs, topSelfTime, type CpuProfile } from './cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** root → handle → parse; root → (idle). Samples: parse 3 ms, handle 1 ms, idle 6 ms. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('handle', 'file:///repo/gateway/dist/server.js', 9), children: [3] },
    { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/graphql/language/parser.js', 67) },
    { id: 4, callFrame: frame('(idle)') },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [3, 3, 2, 4, 3, 4],
  timeDeltas: [1_000, 1_000, 1_000, 5_000, 1_000, 1_000],
};

describe('CPU profile summary', () => {
  it('ranks functions by self time, leaving idle out, with repository-relative places', () => {
    expect(topSelfTime(profile, '/repo')).toEqual([
      { name: 'parse', location: 'node_modules/graphql/language/parser.js:68', selfMs: 3, selfPercent: 75 },
      { name: 'handle', location: 'gateway/dist/server.js:10', selfMs: 1, selfPercent: 25 },
    ]);
  });

  it('counts what a function called in its inclusive time', () => {
    expect(inclusiveMs(profile, 'handle')).toBe(4);
    expect(inclusiveMs(profile, 'parse')).toBe(3);
    expect(inclusiveMs(profile, 'absent')).toBe(0);
  });

  it('sums the time off idle', () => {
    expect(busyMs(profile)).toBe(4);
  });
});
