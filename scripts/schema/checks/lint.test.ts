import { parse } from 'graphql';
import { keyDirectiveName, lintDescriptions, lintEntityResolvers, lintNames } from './lint';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';
const resolveReference = () => null;

describe('lintNames', () => {
  it("exempts federation's own names", () => {
    const sdl = `${LINK}
      type Query { _service: String, _entities: [String], ok: String }
      scalar _Any`;

    expect(lintNames([{ name: 'catalog', sdl }])).toEqual([]);
  });

  it('accepts digits in enum values and camelCase names', () => {
    const sdl = `${LINK}
      enum Size { XL_2 SIZE_10 }
      input SizeFilter { minSize: Int, size2: Size }
      type Query { sizes(filter: SizeFilter): [Size!]! }`;

    expect(lintNames([{ name: 'catalog', sdl }])).toEqual([]);
  });
});

describe('lintDescriptions', () => {
  it('accepts a shared type described by any one of the subgraphs that define it', () => {
    const owner = `${LINK} "Money." type Money @shareable { amount: Int! } type Query { "Price." price: Money }`;
    const other = `${LINK} type Money @shareable { amount: Int! } type Query { "Balance." balance: Money }`;

    expect(
      lintDescriptions([
        { name: 'catalog', sdl: owner },
        { name: 'billing', sdl: other },
      ]),
    ).toEqual([]);
  });

  it('names every subgraph defining an undescribed type', () => {
    const a = `${LINK} type Money @shareable { amount: Int! } type Query { "A." a: Money }`;
    const b = `${LINK} type Money @shareable { amount: Int! } type Query { "B." b: Money }`;

    expect(
      lintDescriptions([
        { name: 'catalog', sdl: a },
        { name: 'billing', sdl: b },
      ]),
    ).toEqual([expect.objectContaining({ subgraphs: ['catalog', 'billing'], coordinate: 'Money' })]);
  });

  it('requires descriptions on Mutation fields but not on fields of other types', () => {
    const sdl = `${LINK} "A product." type Product { id: ID! } type Mutation { archive(id: ID!): Product }`;

    expect(lintDescriptions([{ name: 'catalog', sdl }])).toEqual([
      expect.objectContaining({ coordinate: 'Mutation.archive', subgraphs: ['catalog'] }),
    ]);
  });
});

describe('lintEntityResolvers', () => {
  const sdl = `${LINK}
    type Product @key(fields: "id") { id: ID! }
    type User @key(fields: "id", resolvable: false) { id: ID! }
    extend type Order @key(fields: "id") { id: ID! }`;

  it('accepts entities with __resolveReference and keys declared resolvable: false', () => {
    const resolvers = {
      Product: { __resolveReference: resolveReference },
      Order: { __resolveReference: resolveReference },
    };

    expect(lintEntityResolvers([{ name: 'catalog', sdl, resolvers }])).toEqual([]);
  });

  it('reports each resolvable entity without __resolveReference, also in a list of resolver maps', () => {
    const resolvers = [{ Product: { name: () => 'x' } }, { Query: {} }];

    expect(lintEntityResolvers([{ name: 'catalog', sdl, resolvers }])).toEqual([
      expect.objectContaining({ subgraphs: ['catalog'], coordinate: 'Product' }),
      expect.objectContaining({ subgraphs: ['catalog'], coordinate: 'Order' }),
    ]);
  });

  it('follows a renamed @key import', () => {
    const aliased = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [{ name: "@key", as: "@id" }])
      type Product @id(fields: "sku") { sku: ID! }`;

    expect(lintEntityResolvers([{ name: 'catalog', sdl: aliased, resolvers: {} }])).toEqual([
      expect.objectContaining({
        coordinate: 'Product',
        message: expect.stringContaining('@key(fields: "sku")'),
      }),
    ]);
  });
});

describe('keyDirectiveName', () => {
  it.each([
    ['extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])', 'key'],
    [
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])',
      'federation__key',
    ],
    ['extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", as: "fed")', 'fed__key'],
    ['type Query { a: Int }', 'key'],
  ])('%s → @%s', (sdl, expected) => {
    expect(keyDirectiveName(parse(sdl))).toBe(expected);
  });
});
