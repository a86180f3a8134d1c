import { buildSchema } from 'graphql';
import { validateOperations } from './operations';

const schema = buildSchema(`
  type Product {
    id: ID!
    name: String!
    code: String @deprecated(reason: "Use name.")
  }
  type Query {
    product(id: ID!): Product
  }
`);

describe('validateOperations', () => {
  it('resolves fragments from other files of the same client folder', () => {
    const findings = validateOperations(schema, [
      { path: 'web/page.graphql', body: 'query Page { product(id: "1") { ...Card } }' },
      { path: 'web/card.graphql', body: 'fragment Card on Product { id name }' },
    ]);

    expect(findings).toEqual([]);
  });

  it("does not see another client's fragments", () => {
    const findings = validateOperations(schema, [
      { path: 'mobile/page.graphql', body: 'query Page { product(id: "1") { ...Card } }' },
      { path: 'web/card.graphql', body: 'fragment Card on Product { id name }' },
    ]);

    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'mobile/page.graphql',
        message: expect.stringContaining('operation Page no longer validates: Unknown fragment "Card"'),
      }),
    ]);
  });

  it('names the file, operation, path and field of an unknown field', () => {
    const findings = validateOperations(schema, [
      { path: 'web/page.graphql', body: 'query Page {\n  product(id: "1") {\n    price\n  }\n}\n' },
    ]);

    expect(findings).toEqual([
      {
        check: 'operation',
        severity: 'error',
        file: 'web/page.graphql',
        coordinate: 'Product.price',
        message:
          'operation Page no longer validates: Cannot query field "price" on type "Product". at product.price (line 3, column 5)',
      },
    ]);
  });

  it('warns about deprecated fields without failing', () => {
    const findings = validateOperations(schema, [
      { path: 'web/page.graphql', body: 'query Page { product(id: "1") { code } }' },
    ]);

    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        coordinate: 'Product.code',
        message: expect.stringContaining('deprecated'),
      }),
    ]);
  });

  it('requires named operations with unique names per client', () => {
    const findings = validateOperations(schema, [
      { path: 'web/a.graphql', body: '{ product(id: "1") { id } }' },
      { path: 'web/b.graphql', body: 'query Page { product(id: "1") { id } }' },
      { path: 'web/c.graphql', body: 'query Page { product(id: "2") { id } }' },
      { path: 'mobile/d.graphql', body: 'query Page { product(id: "3") { id } }' },
    ]);

    expect(findings.map(({ file, message }) => [file, message])).toEqual([
      ['web/a.graphql', 'an anonymous query — name every operation'],
      ['web/c.graphql', 'operation Page is also defined in web/b.graphql; names must be unique'],
    ]);
  });

  it('reports a file that does not parse', () => {
    const findings = validateOperations(schema, [
      { path: 'web/broken.graphql', body: 'query Page { product(' },
    ]);

    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: 'web/broken.graphql',
        message: expect.stringContaining('does not parse'),
      }),
    ]);
  });
});
