/** What a converter needs to know beside the model. */
export interface ConvertOptions {
  /**
   * The target server's version string (SELECT version()), when known: some choices depend on
   * it (MariaDB has CREATE SEQUENCE, MySQL 8.0.13+ has functional indexes ...). Absent:
   * the converter picks what every supported version accepts.
   */
  readonly targetVersion?: string;
  /** The target's DMS engine name (postgres, aurora-postgresql, mysql, mariadb, aurora). */
  readonly targetEngine?: string;
}
