import { edit, fixture, fixtureOperations } from '../fixtures';
import { composeSubgraphs } from './composition';
import type { Finding } from './finding';
import { formatReport, runSchemaCheck, type SchemaCheckInput, type SubgraphUnderCheck } from './run-checks';

const accounts = fixture('shop', 'accounts.graphql');
const catalog = fixture('shop', 'catalog.graphql');
const operations = fixtureOperations('shop');

const resolvers = {
  accounts: { User: { __resolveReference: () => null } },
  catalog: { Product: { __resolveReference: () => null } },
};

function subgraphs(sdl: { accounts?: string; catalog?: string } = {}): SubgraphUnderCheck[] {
  return [
    { name: 'accounts', codeSdl: sdl.accounts ?? accounts, resolvers: resolvers.accounts },
    { name: 'catalog', codeSdl: sdl.catalog ?? catalog, resolvers: resolvers.catalog },
  ];
}

/** The supergraph of the unchanged fixtures, as `schema:publish` would have recorded it. */
function published(): string {
  const { supergraphSdl } = composeSubgraphs([
    { name: 'accounts', sdl: accounts },
    { name: 'catalog', sdl: catalog },
  ]);
  if (!supergraphSdl) throw new Error('the fixtures must compose');
  return supergraphSdl;
}

const check = (input: Partial<SchemaCheckInput> & { catalog?: string; accounts?: string }) =>
  runSchemaCheck({
    subgraphs: subgraphs({ catalog: input.catalog, accounts: input.accounts }),
    publishedSupergraph: published(),
    operations,
    ...input,
  });

const withoutLegacyCode = edit(
  catalog,
  '  "Superseded by `sku`."\n  legacyCode: String @deprecated(reason: "Use `sku`.")\n',
  '',
);

const errors = (findings: Finding[]) => findings.filter((finding) => finding.severity === 'error');

describe('runSchemaCheck', () => {
  it('passes when nothing changed against the published version', async () => {
    const report = await check({});

    expect(errors(report.findings)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('fails when a field used by an operation is removed, naming the subgraph, field, file and operation', async () => {
    const report = await check({ catalog: edit(catalog, '  sku: String!\n', '') });

    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'breaking-change',
          subgraphs: ['catalog'],
          coordinate: 'Product.sku',
          message: expect.stringContaining('FIELD_REMOVED'),
        }),
        expect.objectContaining({
          check: 'operation',
          subgraphs: ['catalog'],
          file: 'operations/web/fragments.graphql',
          coordinate: 'Product.sku',
          message: expect.stringMatching(
            /operation ProductPage no longer validates: Cannot query field "sku" on type "Product".*at \.\.\.ProductCard\.sku/,
          ),
        }),
      ]),
    );
  });

  it('passes when a nullable field is added, listing it as a safe change', async () => {
    const report = await check({
      catalog: edit(catalog, '  stock: Int!\n', '  stock: Int!\n  "Average rating."\n  rating: Float\n'),
    });

    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.safe).toContainEqual(expect.stringContaining('FIELD_ADDED Product.rating'));
  });

  it("fails when a field's type changes", async () => {
    const report = await check({ catalog: edit(catalog, '  stock: Int!\n', '  stock: String!\n') });

    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toEqual([
      expect.objectContaining({
        check: 'breaking-change',
        subgraphs: ['catalog'],
        coordinate: 'Product.stock',
        message: expect.stringContaining('FIELD_TYPE_CHANGED'),
      }),
    ]);
  });

  it('passes an approved breaking change and prints its reason', async () => {
    const approvals = JSON.stringify([
      {
        change: 'FIELD_REMOVED',
        path: 'Product.legacyCode',
        reason: 'Deprecated for two releases; no client selects it.',
        approvedBy: 'catalog team',
      },
    ]);
    const report = await check({ catalog: withoutLegacyCode, approvals });

    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toContain(
      "FIELD_REMOVED Product.legacyCode: Field 'legacyCode' (deprecated) was removed from object type 'Product'\n" +
        '    approved by catalog team: Deprecated for two releases; no client selects it.',
    );
  });

  it('does not let an approval for another path through', async () => {
    const approvals = [
      { change: 'FIELD_REMOVED', path: 'Product.name', reason: 'not this one', approvedBy: 'x' },
    ];
    const report = await check({ catalog: withoutLegacyCode, approvals });

    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toEqual([
      expect.objectContaining({ check: 'breaking-change', coordinate: 'Product.legacyCode' }),
    ]);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ severity: 'warning', check: 'approval', coordinate: 'Product.name' }),
    );
  });

  it('rejects an approval without a reason', async () => {
    const approvals = JSON.stringify([{ change: 'FIELD_REMOVED', path: 'Product.stock', approvedBy: 'x' }]);
    const report = await check({ catalog: edit(catalog, '  stock: Int!\n', ''), approvals });

    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toContainEqual(
      expect.objectContaining({ check: 'approval', message: 'entry 0 needs non-empty "reason"' }),
    );
  });

  it('reports a dangerous change (new enum value) as a warning and passes', async () => {
    const report = await check({ catalog: edit(catalog, '  PRICE_ASC\n', '  PRICE_ASC\n  PRICE_DESC\n') });

    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        check: 'breaking-change',
        subgraphs: ['catalog'],
        coordinate: 'ProductSort.PRICE_DESC',
        message: expect.stringContaining('ENUM_VALUE_ADDED'),
      }),
    ]);
  });

  it('reports a changed argument default as a warning and passes', async () => {
    const report = await check({ catalog: edit(catalog, 'first: Int = 20', 'first: Int = 50') });

    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('FIELD_ARGUMENT_DEFAULT_CHANGED'),
      }),
    ]);
  });

  it('fails composition when two subgraphs disagree on a shared type, naming both', async () => {
    const report = await runSchemaCheck({
      subgraphs: [
        { name: 'catalog', codeSdl: fixture('conflict', 'catalog.graphql') },
        { name: 'billing', codeSdl: fixture('conflict', 'billing.graphql') },
      ],
    });

    expect(report.ok).toBe(false);
    expect(report.supergraphSdl).toBeUndefined();
    expect(errors(report.findings)).toEqual([
      expect.objectContaining({
        check: 'composition',
        subgraphs: ['catalog', 'billing'],
        coordinate: 'Money.amount',
        message: expect.stringContaining('FIELD_TYPE_MISMATCH'),
      }),
    ]);
    expect(formatReport(report)).toContain(
      '[composition] subgraphs catalog, billing · Money.amount: FIELD_TYPE_MISMATCH',
    );
  });

  it('detects a stale committed SDL, naming the subgraph and the field', async () => {
    const code = edit(catalog, '  stock: Int!\n', '  stock: Int!\n  "Average rating."\n  rating: Float\n');
    const report = await runSchemaCheck({
      subgraphs: [
        { name: 'accounts', codeSdl: accounts, committedSdl: accounts },
        { name: 'catalog', codeSdl: code, committedSdl: catalog },
      ],
    });

    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toEqual([
      expect.objectContaining({
        check: 'stale-sdl',
        subgraphs: ['catalog'],
        coordinate: 'Product.rating',
        file: 'schema/catalog.graphql',
        message: expect.stringContaining('Product.rating is in the code but not committed'),
      }),
    ]);
  });

  it('detects a stale committed supergraph and a missing committed SDL', async () => {
    const report = await runSchemaCheck({
      subgraphs: [
        { name: 'accounts', codeSdl: accounts, committedSdl: null },
        {
          name: 'catalog',
          codeSdl: edit(catalog, '  PRICE_ASC\n', '  PRICE_ASC\n  NEWEST\n'),
          committedSdl: undefined,
        },
      ],
      committedSupergraph: published(),
    });

    expect(errors(report.findings)).toEqual([
      expect.objectContaining({
        check: 'stale-sdl',
        subgraphs: ['accounts'],
        message: expect.stringContaining('missing'),
      }),
      expect.objectContaining({
        check: 'stale-supergraph',
        subgraphs: ['catalog'],
        coordinate: 'ProductSort.NEWEST',
      }),
    ]);
  });

  it('reports lint violations with the subgraph, type and field', async () => {
    const report = await runSchemaCheck({
      subgraphs: [{ name: 'reviews', codeSdl: fixture('lint', 'reviews.graphql'), resolvers: {} }],
    });
    const lint = report.findings.filter((finding) => finding.check === 'lint');

    expect(report.ok).toBe(false);
    expect(lint.map((finding) => [finding.subgraphs, finding.coordinate, finding.message])).toEqual(
      expect.arrayContaining([
        [['reviews'], 'reviewState', 'enum name "reviewState" must be PascalCase'],
        [
          ['reviews'],
          'reviewState.published',
          'enum value "published" must be SCREAMING_CASE (e.g. IN_TRANSIT)',
        ],
        [['reviews'], 'Review.Stars', 'field name "Stars" must be camelCase'],
        [['reviews'], 'Query.reviews(product_id:)', 'argument name "product_id" must be camelCase'],
        [['reviews'], 'product_review_page', 'type name "product_review_page" must be PascalCase'],
        [
          ['reviews'],
          'product_review_page',
          'type product_review_page has no description; add a "docstring" above it in the SDL',
        ],
        [
          ['reviews'],
          'Query.topReview',
          'Query field Query.topReview has no description; add a "docstring" above it in the SDL',
        ],
        [
          ['reviews'],
          'Review',
          expect.stringContaining(
            'entity Review has a resolvable @key(fields: "id") but the resolvers define no Review.__resolveReference',
          ),
        ],
      ]),
    );
    expect(lint).toHaveLength(8);
  });
});
