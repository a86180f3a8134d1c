import { printSchema } from 'graphql';
import { edit, fixture } from '../fixtures';
import { apiSchemaOf, composeSubgraphs, ownersOf, supergraphOwners } from './composition';

const accounts = fixture('shop', 'accounts.graphql');
// The catalog also contributes `User.wishlist`, so `User` is defined by two subgraphs.
const catalog = edit(
  fixture('shop', 'catalog.graphql'),
  'type Query {',
  'type User @key(fields: "id") {\n  id: ID!\n  wishlist: [Product!]!\n}\n\ntype Query {',
);

function compose(catalogSdl = catalog): string {
  const { supergraphSdl, errors } = composeSubgraphs([
    { name: 'accounts', sdl: accounts },
    { name: 'catalog', sdl: catalogSdl },
  ]);
  if (!supergraphSdl) throw new Error(errors.map((error) => error.message).join('\n'));
  return supergraphSdl;
}

describe('supergraphOwners / ownersOf', () => {
  it('attributes types and fields to the subgraphs that define them', () => {
    const owners = supergraphOwners(compose());

    expect(owners.get('User')).toEqual(['accounts', 'catalog']);
    expect(owners.get('User.wishlist')).toEqual(['catalog']);
    expect(owners.get('User.email')).toEqual(['accounts']);
    expect(ownersOf([owners], 'Query.products.sort')).toEqual(['catalog']);
    expect(ownersOf([owners], 'Role.ADMIN')).toEqual(['accounts']);
  });

  it("attributes a removed field to its subgraph in the old supergraph, not to all of its type's", () => {
    const before = supergraphOwners(compose());
    const after = supergraphOwners(compose(edit(catalog, '  wishlist: [Product!]!\n', '')));

    expect(ownersOf([after, before], 'User.wishlist')).toEqual(['catalog']);
  });
});

describe('apiSchemaOf', () => {
  it('leaves out federation internals', () => {
    const api = printSchema(apiSchemaOf(compose()));

    expect(api).toContain('wishlist: [Product!]!');
    expect(api).not.toMatch(/join__|link__|_entities|_service|@key/);
  });
});
