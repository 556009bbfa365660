/**
 * Tables of the medical product registry (issue 13; migration `0012-medical`). Every row belongs
 * to an administration; dates are `YYYY-MM-DD`, instants ISO 8601 UTC text.
 */
export interface MedicalProductsTable {
  administration: string;
  /** GTIN-14. */
  gtin: string;
  brand: string;
  name: string;
  hs_code: string;
  /** JSON of the validated product without its lots (`core/medical/product.ts`). */
  content: string;
  updated_at: string;
  updated_by: string;
}

export interface MedicalLotsTable {
  administration: string;
  gtin: string;
  lot: string;
  expiry: string;
  quantity_released: number;
  /** 1 when recalled. */
  recalled: number;
}

/** The serial numbers a rights holder registered: a declared serial not here is not genuine. */
export interface MedicalSerialsTable {
  administration: string;
  gtin: string;
  serial: string;
  lot: string;
}

/** Serials declarations carried: the same serial in two declarations is a cloned code. */
export interface MedicalDeclaredSerialsTable {
  administration: string;
  gtin: string;
  serial: string;
  declaration_id: string;
}

/** Units each declaration declared of a lot (its latest version), summed against the lot's release. */
export interface MedicalDeclaredLotsTable {
  administration: string;
  gtin: string;
  lot: string;
  declaration_id: string;
  quantity: number;
}

/** Raised by every load of an administration's registry (migration `0017-medical-registry-versions`). */
export interface MedicalRegistryVersionsTable {
  administration: string;
  version: number;
}

/** A partner's latest cumulative units of a lot (migration `0018-medical-lot-usage`). */
export interface MedicalPartnerLotsTable {
  administration: string;
  partner: string;
  gtin: string;
  lot: string;
  units: number;
  as_of: string;
  item_id: string;
}

export interface MedicalTables {
  medical_products: MedicalProductsTable;
  medical_lots: MedicalLotsTable;
  medical_serials: MedicalSerialsTable;
  medical_declared_serials: MedicalDeclaredSerialsTable;
  medical_declared_lots: MedicalDeclaredLotsTable;
  medical_registry_versions: MedicalRegistryVersionsTable;
  medical_partner_lots: MedicalPartnerLotsTable;
}
