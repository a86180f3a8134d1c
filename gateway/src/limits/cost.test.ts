import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, parse } from 'graphql';
import { buildCostModel, graphsOf } from './cost-model';
import { operationCost, type CostOptions } from './cost';

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@cost", "@listSize"])`;

/** A catalog subgraph, and a reviews subgraph that adds `Product.reviews` (an entity fetch). */
const catalog = `${LINK}
  type Category @key(fields: "id") {
    id: ID!
    products(first: Int, after: String): ProductConnection!
      @listSize(slicingArguments: ["first"], assumedSize: 20, sizedFields: ["edges"], requireOneSlicingArgument: false)
  }
  type ProductConnection { edges: [ProductEdge!]! totalCount: Int! @cost(weight: 5) }
  type ProductEdge { node: Product! }
  type Product @key(fields: "id") { id: ID! name: String! category: Category! }
  type Query {
    categories: [Category!]! @listSize(assumedSize: 50)
    products(first: Int, last: Int): ProductConnection!
    tags: [String!]!
  }
  type Mutation { renameProduct(id: ID!, name: String!): Product! }
`;
const reviews = `${LINK}
  type Product @key(fields: "id") { id: ID! reviews: [Review!]! @listSize(assumedSize: 3) }
  type Review { stars: Int! }
`;

const composed = composeServices([
  { name: 'catalog', url: 'http://catalog/graphql', typeDefs: parse(catalog) },
  { name: 'reviews', url: 'http://reviews/graphql', typeDefs: parse(reviews) },
]);
if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
const supergraphSdl = composed.supergraphSdl;
const schema = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
const model = buildCostModel(supergraphSdl);

const costOf = (query: string, options: Partial<CostOptions> = {}): number => {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return operationCost(schema, model, document, operation, { defaultListSize: 10, ...options });
};

describe('buildCostModel', () => {
  it('reads the directives composition carried into the supergraph', () => {
    const category = model.types.get('Category')?.fields.get('products');
    expect(category?.listSize).toEqual({
      assumedSize: 20,
      slicingArguments: ['first'],
      sizedFields: ['edges'],
    });
    expect(model.types.get('ProductConnection')?.fields.get('totalCount')?.weight).toBe(5);
  });

  it('knows which subgraph resolves each field', () => {
    expect(graphsOf(model, 'Product', 'reviews')).toEqual(['REVIEWS']);
    expect(graphsOf(model, 'Product', 'name')).toEqual(['CATALOG']);
    expect(graphsOf(model, 'Product', 'id').sort()).toEqual(['CATALOG', 'REVIEWS']);
  });
});

describe('operationCost', () => {
  it('counts an object as 1 and a leaf as 0', () => {
    expect(costOf('{ products(first: 1) { edges { node { id name } } } }')).toBe(1 + 1 * (1 + 1));
  });

  it('multiplies by `first` and passes the size to the sized field', () => {
    // products 1 + edges 7 × (edge 1 + node 1)
    expect(costOf('{ products(first: 7) { edges { node { id } } } }')).toBe(1 + 7 * 2);
  });

  it('takes the larger of `first` and `last` when there is no @listSize', () => {
    expect(costOf('{ products(first: 2, last: 9) { edges { node { id } } } }')).toBe(1 + 9 * 2);
  });

  it('uses @listSize(assumedSize) when no slicing argument is given, else the default size', () => {
    expect(costOf('{ categories { id } }')).toBe(50);
    expect(costOf('{ categories { products { edges { node { id } } } } }')).toBe(50 * (1 + 1 + 20 * 2));
    expect(costOf('{ products { edges { node { id } } } }')).toBe(1 + 10 * 2);
  });

  it('applies @cost weights on fields', () => {
    expect(costOf('{ products(first: 1) { totalCount } }')).toBe(1 + 5);
  });

  it('weighs mutation fields 10', () => {
    expect(costOf('mutation { renameProduct(id: "1", name: "x") { id } }')).toBe(10);
  });

  it('adds an entity fetch per parent object when another subgraph resolves the field', () => {
    const sameSubgraph = costOf('{ products(first: 4) { edges { node { name } } } }');
    const withReviews = costOf('{ products(first: 4) { edges { node { reviews { stars } } } } }');
    // Each of the 4 products is fetched from the reviews subgraph (1) for 3 reviews (3 × 1).
    expect(sameSubgraph).toBe(1 + 4 * 2);
    expect(withReviews).toBe(1 + 4 * (2 + 1 + 3));
  });

  it('measures a nested list bomb as the product of its sizes', () => {
    const chain =
      '{ categories { products(first: 100) { edges { node { category { products(first: 100) { edges { node { id } } } } } } } } }';
    expect(costOf(chain)).toBe(50 * (1 + 1 + 100 * (1 + 1 + 1 + 1 + 100 * 2)));
  });

  it('reads slicing arguments from variables, their defaults, or counts them as unknown', () => {
    const query = 'query ($n: Int) { products(first: $n) { edges { node { id } } } }';
    expect(costOf(query, { variables: { n: 50 } })).toBe(1 + 50 * 2);
    expect(costOf(query)).toBe(1 + 10 * 2);
    expect(costOf('query ($n: Int = 30) { products(first: $n) { edges { node { id } } } }')).toBe(1 + 30 * 2);
  });

  it('counts fragments and inline fragments like the fields they spread', () => {
    const inline = costOf('{ products(first: 3) { edges { node { ... on Product { category { id } } } } } }');
    const spread = costOf(
      '{ products(first: 3) { edges { node { ...P } } } } fragment P on Product { category { id } }',
    );
    expect(spread).toBe(inline);
    expect(inline).toBe(1 + 3 * 3);
  });

  it('measures a fragment spread exponentially often without doing exponential work', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, index) => `fragment F${index} on Product { ...F${index + 1} ...F${index + 1} }`,
    ).join('\n');
    const query = `{ products(first: 1) { edges { node { ...F0 } } } } ${fragments} fragment F${levels} on Product { category { id } }`;
    expect(costOf(query)).toBe(1 + 1 * (2 + 2 ** levels));
  });

  it('ignores __typename, introspection and unknown fields', () => {
    expect(costOf('{ __typename a: __typename __schema { types { name } } }')).toBe(0);
    expect(costOf('{ nope { id } }')).toBe(0);
  });
});
