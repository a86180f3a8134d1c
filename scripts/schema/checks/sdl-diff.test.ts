import { diffSdl } from './sdl-diff';

describe('diffSdl', () => {
  it('lists added, removed and changed elements by coordinate', () => {
    const before = `
      "A product." type Product { id: ID! name: String! code: String }
      enum Sort { NAME PRICE }`;
    const after = `
      "Something for sale." type Product { id: ID! name: String rating: Float }
      enum Sort { NAME PRICE NEWEST }`;

    expect(diffSdl(before, after)).toEqual([
      { coordinate: 'Product', kind: 'changed' },
      { coordinate: 'Product.name', kind: 'changed' },
      { coordinate: 'Product.code', kind: 'removed' },
      { coordinate: 'Product.rating', kind: 'added' },
      { coordinate: 'Sort.NEWEST', kind: 'added' },
    ]);
  });

  it('ignores formatting and comments', () => {
    expect(diffSdl('type Query { a: Int }', '# comment\ntype Query {\n  a: Int\n}\n')).toEqual([]);
  });
});
