import { Kind, parse, print, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { buildOrderQuery } from './order-selection';

function orderQueryOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  const root = operation.selectionSet.selections[0] as FieldNode;
  return buildOrderQuery(document, operation, root.selectionSet!);
}

const normalised = (query: string): string => print(parse(query));

describe('buildOrderQuery', () => {
  it('needs no query when the subscription selects only event fields', () => {
    expect(orderQueryOf('subscription { myOrderUpdates { status version } }')).toBeNull();
  });

  it("turns the client's order selection into an order query, adding __typename under each field", () => {
    const query = orderQueryOf(`
      subscription { myOrderUpdates { status order { id items { product { name } } } } }
    `);
    expect(query?.text).toBe(
      normalised(`
        query OrderStatusEventOrder($orderId: ID!) {
          order(id: $orderId) { __typename id items { __typename product { __typename name } } }
        }
      `),
    );
    expect(query?.orderIdVariable).toBe('orderId');
    expect(query?.variableNames).toEqual([]);
  });

  it('keeps aliases, directives and fragments, and only the variables the order selection uses', () => {
    const query = orderQueryOf(`
      subscription Track($orderId: ID!, $withPayment: Boolean!, $unused: Boolean) {
        orderStatusChanged(orderId: $orderId) {
          status @include(if: $unused)
          placed: order { ...Lines payment @include(if: $withPayment) { status } }
          ...EventOrder
        }
      }
      fragment EventOrder on OrderStatusEvent { order { id } }
      fragment Lines on Order { items { ...Item } }
      fragment Item on OrderItem { quantity }
    `);
    expect(query?.orderIdVariable).toBe('orderId2');
    expect(query?.variableNames).toEqual(['withPayment']);
    expect(query?.text).toBe(
      normalised(`
        query OrderStatusEventOrder($orderId2: ID!, $withPayment: Boolean!) {
          placed: order(id: $orderId2) {
            __typename
            ...Lines
            payment @include(if: $withPayment) { __typename status }
          }
          ... { order(id: $orderId2) { __typename id } }
        }
        fragment Lines on Order { items { __typename ...Item } }
        fragment Item on OrderItem { quantity }
      `),
    );
  });
});
