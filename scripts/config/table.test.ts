import { configurationRows, readmeWithTable, readReadme } from './table';

describe('the README configuration table', () => {
  it('is the one generated from the settings the services validate (run `npm run config:table`)', () => {
    const readme = readReadme();
    expect(readmeWithTable(readme)).toBe(readme);
  });

  it('documents every variable once, each with a meaning', () => {
    const rows = configurationRows();
    expect(new Set(rows.map((row) => row.variable)).size).toBe(rows.length);
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });
});
