import { readSettings } from '@marketplace/platform';
import { DEFAULT_WAREHOUSE_ADDRESS, deliverySettings } from './settings';

describe('delivery settings', () => {
  it('ships from WAREHOUSE_ADDRESS when it is set, from the default warehouse otherwise', () => {
    expect(readSettings(deliverySettings, { WAREHOUSE_ADDRESS: '5 Tulip Ave, Kazan' })).toEqual({
      warehouseAddress: '5 Tulip Ave, Kazan',
    });
    expect(readSettings(deliverySettings, {})).toEqual({ warehouseAddress: DEFAULT_WAREHOUSE_ADDRESS });
    expect(readSettings(deliverySettings, { WAREHOUSE_ADDRESS: '   ' })).toEqual({
      warehouseAddress: DEFAULT_WAREHOUSE_ADDRESS,
    });
  });
});
