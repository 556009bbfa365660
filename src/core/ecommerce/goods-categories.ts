import { TermMatcher } from './text-match.ts';

/**
 * What goods of a kind usually cost and weigh, for the price and weight plausibility checks. The
 * figures are deliberately wide floors and ranges (a cheap no-name phone still costs EUR 40, a
 * laptop weighs 0.8 to 4.5 kg), so only declarations far outside them are questioned; an
 * administration with its own price data replaces this table through the lane configuration.
 */
export interface GoodsCategory {
  code: string;
  label: string;
  /** Words that name the goods, several languages. */
  terms: readonly string[];
  /** HS 2022 headings or subheadings (4 or 6 digits) of the category, for lines with an HS6 code. */
  hs: readonly string[];
  /** Lowest plausible value of one unit, in EUR. */
  minUnitValueEur: number;
  /** Plausible mass of one unit with its retail packing, kilograms. */
  unitMassKg: readonly [number, number];
}

export const GOODS_CATEGORIES: readonly GoodsCategory[] = [
  {
    code: 'phone',
    label: 'mobile phone',
    terms: [
      'smartphone',
      'mobile phone',
      'cell phone',
      'iphone',
      'handy',
      'telephone portable',
      'telefono movil',
      '手机',
    ],
    hs: ['851713', '851714'],
    minUnitValueEur: 40,
    unitMassKg: [0.1, 0.7],
  },
  {
    code: 'laptop',
    label: 'laptop computer',
    terms: ['laptop', 'notebook computer', 'macbook', 'ordinateur portable', 'portatil', '笔记本电脑'],
    hs: ['847130'],
    minUnitValueEur: 120,
    unitMassKg: [0.8, 4.5],
  },
  {
    code: 'tablet',
    label: 'tablet computer',
    terms: ['tablet', 'ipad', 'tablette', '平板电脑'],
    hs: [],
    minUnitValueEur: 50,
    unitMassKg: [0.25, 1.3],
  },
  {
    code: 'camera',
    label: 'camera or drone',
    terms: ['camera', 'drone', 'kamera', 'appareil photo', 'camara', '相机', '无人机'],
    hs: ['852589', '880622', '880621'],
    minUnitValueEur: 25,
    unitMassKg: [0.1, 3],
  },
  {
    code: 'audio',
    label: 'headphones or earbuds',
    terms: ['headphones', 'earbuds', 'earphones', 'airpods', 'kopfhorer', 'ecouteurs', 'auriculares', '耳机'],
    hs: ['851830'],
    minUnitValueEur: 3,
    unitMassKg: [0.02, 0.6],
  },
  {
    code: 'watch',
    label: 'watch or smartwatch',
    terms: ['smartwatch', 'wristwatch', 'watch', 'armbanduhr', 'montre', 'reloj', '手表'],
    hs: ['9101', '9102', '851762'],
    minUnitValueEur: 4,
    unitMassKg: [0.02, 0.4],
  },
  {
    code: 'shoes',
    label: 'footwear',
    terms: ['sneakers', 'shoes', 'boots', 'sandals', 'schuhe', 'chaussures', 'zapatos', 'scarpe', '鞋'],
    hs: ['6401', '6402', '6403', '6404', '6405'],
    minUnitValueEur: 5,
    unitMassKg: [0.15, 2.2],
  },
  {
    code: 'clothing',
    label: 'clothing',
    terms: [
      't-shirt',
      'shirt',
      'dress',
      'jacket',
      'hoodie',
      'sweater',
      'jeans',
      'trousers',
      'leggings',
      'socks',
    ],
    hs: ['61', '62'],
    minUnitValueEur: 1,
    unitMassKg: [0.03, 2.5],
  },
  {
    code: 'clothing-other',
    label: 'clothing',
    terms: ['kleid', 'jacke', 'robe', 'vestido', 'camiseta', 'vetements', 'одежда', '连衣裙', '衣服', '外套'],
    hs: [],
    minUnitValueEur: 1,
    unitMassKg: [0.03, 2.5],
  },
  {
    code: 'bag',
    label: 'handbag, wallet or luggage',
    terms: [
      'handbag',
      'backpack',
      'wallet',
      'purse',
      'suitcase',
      'handtasche',
      'sac a main',
      'bolso',
      '包包',
    ],
    hs: ['4202'],
    minUnitValueEur: 2,
    unitMassKg: [0.05, 5],
  },
  {
    code: 'cosmetics',
    label: 'cosmetics or perfume',
    terms: [
      'lipstick',
      'mascara',
      'perfume',
      'face cream',
      'eyeshadow',
      'parfum',
      'cosmetics',
      'kosmetik',
      '化妆品',
    ],
    hs: ['3303', '3304'],
    minUnitValueEur: 0.5,
    unitMassKg: [0.01, 1],
  },
  {
    code: 'toys',
    label: 'toys',
    terms: ['toy', 'doll', 'puzzle', 'lego', 'spielzeug', 'jouet', 'juguete', 'giocattolo', '玩具'],
    hs: ['9503'],
    minUnitValueEur: 0.5,
    unitMassKg: [0.01, 4],
  },
  {
    code: 'books',
    label: 'books',
    terms: ['book', 'novel', 'buch', 'livre', 'libro', '书'],
    hs: ['4901'],
    minUnitValueEur: 1,
    unitMassKg: [0.08, 2.5],
  },
  {
    code: 'jewellery',
    label: 'jewellery',
    terms: [
      'necklace',
      'earrings',
      'bracelet',
      'ring',
      'jewelry',
      'jewellery',
      'schmuck',
      'bijoux',
      'joyas',
      '项链',
    ],
    hs: ['7113', '7117'],
    minUnitValueEur: 0.3,
    unitMassKg: [0.002, 0.3],
  },
  {
    code: 'phone-accessories',
    label: 'phone accessories',
    terms: [
      'phone case',
      'charger',
      'usb cable',
      'screen protector',
      'power bank',
      'ladegerat',
      'chargeur',
      '充电器',
    ],
    hs: ['850440', '854442'],
    minUnitValueEur: 0.3,
    unitMassKg: [0.01, 0.6],
  },
  {
    code: 'home',
    label: 'household goods',
    terms: ['kitchen', 'lamp', 'curtain', 'towel', 'bedding', 'mug', 'vase', 'organizer', 'cushion', '厨房'],
    hs: ['6302', '9405', '6911', '6912'],
    minUnitValueEur: 0.3,
    unitMassKg: [0.02, 8],
  },
];

const CATEGORY_MATCHER = new TermMatcher(
  GOODS_CATEGORIES.flatMap((category) => category.terms.map((term) => ({ term, value: category }))),
);

/** The category of a goods line: from its HS code when it has one in the table, else from its words. */
export function categoryOf(folded: string, hs6: string | undefined): GoodsCategory | undefined {
  if (hs6) {
    for (const category of GOODS_CATEGORIES) {
      for (const code of category.hs) if (hs6.startsWith(code)) return category;
    }
  }
  return CATEGORY_MATCHER.find(folded)[0]?.value;
}
