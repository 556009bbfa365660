/**
 * Tables of information sharing (issue 11, docs/SHARING.md): seizure reports, cash declarations,
 * closed groups and their posts. Each row belongs to one administration of this installation;
 * `source` is `local` for what the administration recorded itself and the partner's name for what
 * a partner shared with it. Records are JSON text, validated by the sharing core before they are
 * written. Reads of personal data in national records go to `audit_log`.
 */
export interface SharingTables {
  /** A seizure report: the national record of the administration's own, the form received from a partner. */
  seizures: {
    administration: string;
    /** `local`, or the partner that shared it. */
    source: string;
    /** The reporting administration's id of the seizure. */
    id: string;
    /** `national` (the whole record) or `global` (no personal field). */
    form: string;
    /** The report as JSON (`SeizureReportSchema`, or `GlobalSeizureReportSchema` for the global form). */
    record: string;
    category: string;
    /** ISO 8601 date or instant of the seizure. */
    date: string;
    office: string;
    /** TLP code it arrived under; null for local records. */
    handling: string | null;
    /** Federation item id it arrived in; null for local records. */
    item_id: string | null;
    /** Own declaration it came from (local records only). */
    declaration_id: string | null;
    created_at: string;
    created_by: string;
  };
  /** A cash and bearer-negotiable-instrument declaration (FATF R.32). */
  cash_declarations: {
    administration: string;
    id: string;
    /** `CashDeclarationSchema` as JSON. */
    record: string;
    status: string;
    at: string;
    /** The derived seizure's id (source local), when the movement was seizable. */
    seizure_id: string | null;
    /** The traveller screening's results as JSON; null when not screened. */
    screening: string | null;
    created_at: string;
    created_by: string;
  };
  /**
   * A closed group as this administration knows it: one it coordinates (`local`), or one a
   * partner coordinates and shared with it. Ids are unique per administration.
   */
  sharing_groups: {
    administration: string;
    id: string;
    source: string;
    /** `ClosedGroupSchema` as JSON. */
    record: string;
    /** This administration's member name in the group. */
    member_name: string;
    handling: string;
    created_at: string;
    created_by: string;
  };
  /** Something posted to a group: by this administration (`by` = its member name) or received from a member. */
  group_posts: {
    administration: string;
    group_id: string;
    id: string;
    /** The member that posted it. */
    posted_by: string;
    /** `message`, `alert` or `seizure`. */
    kind: string;
    /** The post as JSON (the `group-post` body's `post`). */
    body: string;
    at: string;
    created_by: string;
  };
}
