/** Tables of the declarations core (declarations, versions, decisions, rejects, events, outcomes, API keys). */
export interface CoreTables {}
