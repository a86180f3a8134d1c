import { planHostedChecks } from './hosted-registry';

const subgraphs = [{ name: 'catalog', sdlPath: 'schema/catalog.graphql' }];
const installed = (name: string) => `/usr/local/bin/${name}`;
const notInstalled = () => undefined;

describe('planHostedChecks', () => {
  it('plans nothing without registry credentials', () => {
    expect(planHostedChecks({}, subgraphs, installed)).toEqual({ checks: [], notes: [] });
  });

  it('plans `rover subgraph check` per subgraph with APOLLO_KEY and APOLLO_GRAPH_REF', () => {
    const { checks } = planHostedChecks(
      { APOLLO_KEY: 'service:x', APOLLO_GRAPH_REF: 'shop@main' },
      subgraphs,
      installed,
    );

    expect(checks.map((check) => check.display)).toEqual([
      'rover subgraph check shop@main --name catalog --schema schema/catalog.graphql',
    ]);
  });

  it('passes the Hive token without printing it', () => {
    const { checks } = planHostedChecks({ HIVE_TOKEN: 'secret-token' }, subgraphs, installed);

    expect(checks[0]!.args).toContain('secret-token');
    expect(checks[0]!.display).toBe(
      'hive schema:check schema/catalog.graphql --service catalog --registry.accessToken ***',
    );
  });

  it('skips with a note when the CLI is not installed or the graph ref is missing', () => {
    const missingCli = planHostedChecks(
      { APOLLO_KEY: 'k', APOLLO_GRAPH_REF: 'g@v', HIVE_TOKEN: 't' },
      subgraphs,
      notInstalled,
    );
    const missingRef = planHostedChecks({ APOLLO_KEY: 'k' }, subgraphs, installed);

    expect(missingCli.checks).toEqual([]);
    expect(missingCli.notes).toEqual([
      expect.stringContaining('rover CLI is not installed'),
      expect.stringContaining('hive CLI is not installed'),
    ]);
    expect(missingRef.notes).toEqual([expect.stringContaining('APOLLO_GRAPH_REF')]);
  });
});
