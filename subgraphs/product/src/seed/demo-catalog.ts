/**
 * The demo catalog of a flower shop, seeded into an empty product table (see `seedDemoCatalog`).
 * Prices are in kopecks (1 RUB = 100 kopecks); SKUs are stable so the data reads the same on
 * every machine.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  /** Unit price in minor units. */
  price: number;
  /** Units on hand. */
  stock: number;
}

export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
  products: DemoProduct[];
}

export const DEMO_CATALOG: readonly DemoCategory[] = [
  {
    slug: 'bouquets',
    name: 'Bouquets',
    description: 'Hand-tied bouquets arranged by our florists on the day of delivery.',
    products: [
      {
        sku: 'BQT-001',
        name: 'Spring Meadow Bouquet',
        description: 'Tulips, ranunculus and eucalyptus in pastel wrapping. About 40 cm tall.',
        price: 349000,
        stock: 25,
      },
      {
        sku: 'BQT-002',
        name: 'Peony Cloud Bouquet',
        description: 'Eleven fluffy pink peonies with pistachio leaves, tied with a silk ribbon.',
        price: 689000,
        stock: 12,
      },
      {
        sku: 'BQT-003',
        name: 'Sunflower Smile Bouquet',
        description: 'Five sunflowers, solidago and chamomile in kraft paper — summer in a hand.',
        price: 259000,
        stock: 30,
      },
      {
        sku: 'BQT-004',
        name: 'Lavender Evening Bouquet',
        description: 'Lisianthus, lilac stocks and dried lavender in a muted lilac palette.',
        price: 419000,
        stock: 18,
      },
      {
        sku: 'BQT-005',
        name: 'Classic White Bouquet',
        description: 'White roses, chrysanthemums and alstroemeria — a calm, elegant gift.',
        price: 459000,
        stock: 20,
      },
      {
        sku: 'BQT-006',
        name: 'Autumn Garden Bouquet',
        description: 'Orange spray roses, hypericum berries and seasonal foliage.',
        price: 379000,
        stock: 15,
      },
      {
        sku: 'BQT-007',
        name: 'Tulip Mix of 25',
        description: 'Twenty-five Dutch tulips in mixed colours, wrapped in matte film.',
        price: 299000,
        stock: 40,
      },
      {
        sku: 'BQT-008',
        name: 'Hydrangea Dream Bouquet',
        description: 'Three blue hydrangea heads with white roses and ruscus.',
        price: 529000,
        stock: 10,
      },
      {
        sku: 'BQT-009',
        name: 'Wildflower Basket Bouquet',
        description: 'Field-style arrangement of daisies, cornflowers and grasses in a wicker basket.',
        price: 389000,
        stock: 0,
      },
      {
        sku: 'BQT-010',
        name: 'Bridal Cascade Bouquet',
        description: 'Cascading bouquet of white orchids, roses and trailing ivy. Order two days ahead.',
        price: 1290000,
        stock: 4,
      },
    ],
  },
  {
    slug: 'roses',
    name: 'Roses',
    description: 'Roses from Ecuador, Kenya and local greenhouses, sold by the stem count.',
    products: [
      {
        sku: 'RSE-011',
        name: 'Red Roses, 11 stems',
        description: 'Eleven Red Naomi roses, 60 cm stems, wrapped in black paper.',
        price: 329000,
        stock: 50,
      },
      {
        sku: 'RSE-025',
        name: 'Red Roses, 25 stems',
        description: 'Twenty-five Red Naomi roses, 60 cm stems, with a satin ribbon.',
        price: 689000,
        stock: 35,
      },
      {
        sku: 'RSE-051',
        name: 'Red Roses, 51 stems',
        description: 'Fifty-one Ecuadorian red roses, 70 cm stems. A grand gesture.',
        price: 1390000,
        stock: 12,
      },
      {
        sku: 'RSE-101',
        name: 'Red Roses, 101 stems',
        description: 'One hundred and one red roses, 50 cm stems, delivered in a round box.',
        price: 2490000,
        stock: 6,
      },
      {
        sku: 'RSE-W15',
        name: 'White Roses, 15 stems',
        description: 'Fifteen Playa Blanca roses with fresh greenery.',
        price: 429000,
        stock: 28,
      },
      {
        sku: 'RSE-P15',
        name: 'Pink Roses, 15 stems',
        description: 'Fifteen Pink Mondial roses in a soft pink wrap.',
        price: 449000,
        stock: 26,
      },
      {
        sku: 'RSE-SPR',
        name: 'Spray Roses, 9 stems',
        description: 'Nine branches of peach spray roses — dozens of small buds.',
        price: 279000,
        stock: 22,
      },
      {
        sku: 'RSE-DAV',
        name: 'Garden Roses David Austin, 7 stems',
        description: 'Seven fragrant David Austin garden roses, cup-shaped and romantic.',
        price: 599000,
        stock: 8,
      },
      {
        sku: 'RSE-BOX',
        name: 'Roses in a Hat Box',
        description: 'Nineteen red and pink roses arranged in a round velvet hat box.',
        price: 749000,
        stock: 14,
      },
      {
        sku: 'RSE-ETR',
        name: 'Preserved Rose Under Glass',
        description: 'A stabilised red rose under a glass dome; lasts up to three years without water.',
        price: 399000,
        stock: 20,
      },
    ],
  },
  {
    slug: 'potted-plants',
    name: 'Potted plants',
    description: 'Houseplants in ceramic pots, ready to give and easy to keep.',
    products: [
      {
        sku: 'PLT-ORC',
        name: 'Phalaenopsis Orchid, white',
        description: 'Two-stem white moth orchid in a glazed ceramic pot. Blooms for months.',
        price: 349000,
        stock: 16,
      },
      {
        sku: 'PLT-MON',
        name: 'Monstera Deliciosa',
        description: 'Young Swiss cheese plant, 60 cm, in a 17 cm terracotta pot.',
        price: 459000,
        stock: 9,
      },
      {
        sku: 'PLT-FIC',
        name: 'Ficus Lyrata',
        description: 'Fiddle-leaf fig, about 80 cm, in a white ceramic planter.',
        price: 529000,
        stock: 7,
      },
      {
        sku: 'PLT-SAN',
        name: 'Sansevieria Laurentii',
        description: 'Snake plant that tolerates shade and forgetfulness. 50 cm.',
        price: 189000,
        stock: 24,
      },
      {
        sku: 'PLT-ZAM',
        name: 'Zamioculcas',
        description: 'ZZ plant with glossy leaves; needs watering only twice a month.',
        price: 229000,
        stock: 19,
      },
      {
        sku: 'PLT-SPA',
        name: 'Spathiphyllum',
        description: 'Peace lily with white sails of flowers, purifies indoor air.',
        price: 149000,
        stock: 30,
      },
      {
        sku: 'PLT-SUC',
        name: 'Succulent Trio',
        description: 'Three succulents in matching concrete pots on a wooden tray.',
        price: 119000,
        stock: 45,
      },
      {
        sku: 'PLT-AZA',
        name: 'Azalea in Bloom',
        description: 'Compact azalea covered in pink flowers, 30 cm, in a decorative pot.',
        price: 169000,
        stock: 0,
      },
      {
        sku: 'PLT-OLV',
        name: 'Olive Tree',
        description: 'A small Mediterranean olive tree, 90 cm, for a bright windowsill.',
        price: 689000,
        stock: 5,
      },
    ],
  },
  {
    slug: 'gift-baskets',
    name: 'Gift baskets',
    description: 'Baskets of flowers, fruit and treats for birthdays and thank-yous.',
    products: [
      {
        sku: 'GFT-FRT',
        name: 'Fruit and Flower Basket',
        description: 'Seasonal fruit with a small bouquet of spray roses in a wicker basket.',
        price: 579000,
        stock: 10,
      },
      {
        sku: 'GFT-TEA',
        name: 'Tea Party Basket',
        description: 'Loose-leaf teas, honey, shortbread and a mini bouquet of chamomile.',
        price: 449000,
        stock: 12,
      },
      {
        sku: 'GFT-CHS',
        name: 'Cheese and Wine Companion Basket',
        description: 'Hard cheeses, crackers, fig jam and grape juice, decorated with eucalyptus.',
        price: 689000,
        stock: 8,
      },
      {
        sku: 'GFT-SWT',
        name: 'Sweet Tooth Basket',
        description: 'Macarons, marshmallow, chocolate truffles and pink tulips.',
        price: 399000,
        stock: 15,
      },
      {
        sku: 'GFT-BBY',
        name: 'New Baby Basket',
        description: 'A soft toy, white hydrangeas and chocolate for the new parents.',
        price: 529000,
        stock: 6,
      },
      {
        sku: 'GFT-CRP',
        name: 'Corporate Gratitude Basket',
        description: 'Coffee, nuts, dried fruit and a green arrangement in a wooden crate.',
        price: 849000,
        stock: 9,
      },
      {
        sku: 'GFT-BRK',
        name: 'Breakfast in Bed Basket',
        description: 'Croissants, jam, fresh berries and a posy of garden roses.',
        price: 369000,
        stock: 11,
      },
      {
        sku: 'GFT-SPA',
        name: 'Spa Evening Basket',
        description: 'Bath salts, a scented candle, lavender and white lisianthus.',
        price: 479000,
        stock: 7,
      },
      {
        sku: 'GFT-XMS',
        name: 'Winter Holiday Basket',
        description: 'Tangerines, gingerbread, pine branches and cinnamon sticks.',
        price: 499000,
        stock: 13,
      },
    ],
  },
  {
    slug: 'cards-and-chocolates',
    name: 'Cards & chocolates',
    description: 'Small additions to any order: greeting cards and fine chocolate.',
    products: [
      {
        sku: 'CRD-BDY',
        name: 'Birthday Greeting Card',
        description: 'Folded card with gold foil, blank inside for your message.',
        price: 25000,
        stock: 200,
      },
      {
        sku: 'CRD-LUV',
        name: 'Love Letter Card',
        description: 'Letterpress card with a red heart and a kraft envelope.',
        price: 25000,
        stock: 180,
      },
      {
        sku: 'CRD-THX',
        name: 'Thank You Card',
        description: 'Botanical watercolour card that says thank you in three languages.',
        price: 22000,
        stock: 150,
      },
      {
        sku: 'CRD-HND',
        name: 'Handwritten Message Card',
        description: 'Our florist writes your words by hand with a fountain pen.',
        price: 35000,
        stock: 100,
      },
      {
        sku: 'CHC-TRF',
        name: 'Chocolate Truffles, 12 pcs',
        description: 'Handmade dark chocolate truffles dusted with cocoa.',
        price: 129000,
        stock: 40,
      },
      {
        sku: 'CHC-BAR',
        name: 'Dark Chocolate Bar 72%',
        description: 'Single-origin dark chocolate bar, 100 g.',
        price: 45000,
        stock: 90,
      },
      {
        sku: 'CHC-STR',
        name: 'Chocolate-Covered Strawberries, 9 pcs',
        description: 'Fresh strawberries dipped in Belgian milk chocolate. Delivered chilled.',
        price: 189000,
        stock: 15,
      },
      {
        sku: 'CHC-MAC',
        name: 'Macaron Box, 12 pcs',
        description: 'Assorted French macarons: pistachio, raspberry, salted caramel and more.',
        price: 149000,
        stock: 30,
      },
      {
        sku: 'CHC-HRT',
        name: 'Heart Box of Pralines',
        description: 'Sixteen assorted pralines in a red heart-shaped box.',
        price: 169000,
        stock: 25,
      },
    ],
  },
  {
    slug: 'vases-and-extras',
    name: 'Vases & extras',
    description: 'Vases, balloons and soft toys to complete the gift.',
    products: [
      {
        sku: 'VAS-GLS',
        name: 'Clear Glass Vase, 25 cm',
        description: 'A classic cylinder vase that fits most of our bouquets.',
        price: 89000,
        stock: 60,
      },
      {
        sku: 'VAS-CER',
        name: 'Ceramic Vase, matte white',
        description: 'Hand-thrown stoneware vase, 20 cm, for short arrangements.',
        price: 159000,
        stock: 20,
      },
      {
        sku: 'BLN-HRT',
        name: 'Foil Heart Balloon',
        description: 'Red foil heart balloon filled with helium, floats for about a week.',
        price: 49000,
        stock: 70,
      },
      {
        sku: 'BLN-BDY',
        name: 'Happy Birthday Balloon Set',
        description: 'Five latex balloons and one foil star, helium-filled.',
        price: 129000,
        stock: 35,
      },
      {
        sku: 'TOY-BEAR',
        name: 'Teddy Bear, 30 cm',
        description: 'Soft caramel-coloured teddy bear with a satin bow.',
        price: 139000,
        stock: 25,
      },
      {
        sku: 'TOY-BUNNY',
        name: 'Plush Bunny, 25 cm',
        description: 'Grey plush bunny with long ears, safe for small children.',
        price: 119000,
        stock: 0,
      },
      {
        sku: 'EXT-FEED',
        name: 'Flower Food Sachets, 5 pcs',
        description: 'Keeps cut flowers fresh up to a week longer.',
        price: 9000,
        stock: 300,
      },
      {
        sku: 'EXT-CNDL',
        name: 'Scented Candle, Peony',
        description: 'Soy wax candle in a glass jar, about 40 hours of burning.',
        price: 99000,
        stock: 40,
      },
    ],
  },
];
