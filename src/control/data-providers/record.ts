/** A data provider (a database schema conversion reads from or writes to) as OpenDMS stores it. */
export interface DataProviderRecord {
  readonly arn: string;
  /** DataProviderName: unique in the account and region; names and ARNs both find it. */
  readonly identifier: string;
  /** The Engine as given (lower case): postgres, mysql, mariadb, aurora, aurora-postgresql, oracle ... */
  readonly engine: string;
  readonly virtual: boolean;
  readonly description?: string;
  /** The member of the DataProviderSettings union the settings were given in (MySqlSettings ...). */
  readonly settingsMember: string;
  /** That member's settings, exactly as given (merged by ModifyDataProvider without ExactSettings). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}
