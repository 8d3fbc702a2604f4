/**
 * The layer arrows of docs/architecture/01-concepts.md, checked in the test run
 * (test/unit/architecture.test.ts). A new arrow needs a reason in the architecture docs first.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'common-is-a-leaf',
      comment: 'common/ holds errors, clock, ids, logger: it imports nothing of the project.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { path: '^src/', pathNot: '^src/common/' },
    },
    {
      name: 'store-knows-only-common',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|common)/' },
    },
    {
      name: 'connectors-know-spi-and-common',
      comment: 'Connectors are the data plane edge: no API, control plane or store.',
      severity: 'error',
      from: { path: '^src/connectors/' },
      to: { path: '^src/', pathNot: '^src/(connectors|common)/' },
    },
    {
      name: 'api-does-not-know-control',
      comment: 'Protocol is not behaviour: the gateway and protocol never import services or the store.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(control|store|connectors|engine)/' },
    },
    {
      name: 'control-does-not-use-the-gateway',
      comment: 'Control modules see only the dispatcher types, the generated shapes and the read-only model of api/.',
      severity: 'error',
      from: { path: '^src/control/' },
      to: { path: '^src/api/(gateway|protocol)/', pathNot: '^src/api/protocol/model\\.ts$' },
    },
    {
      name: 'engine-knows-spi-and-common',
      comment: 'The data plane knows connectors only through their SPI, and never the API, control plane or store.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(engine|common|connectors/spi|mapping-rules)/' },
    },
    {
      name: 'only-app-wires-connectors',
      comment: 'Control reaches connectors through the registry interface that app.ts passes in.',
      severity: 'error',
      from: { path: '^src/control/' },
      to: { path: '^src/connectors/(postgres|mysql)/' },
    },
    {
      name: 'schema-conversion-is-pure',
      comment: 'Parse, convert, print: no I/O, so it imports only itself, common, the shared rule reading, the neutral data types and the native type-text mappings the connectors use too.',
      severity: 'error',
      from: { path: '^src/schema-conversion/' },
      to: { path: '^src/', pathNot: '^src/(schema-conversion|common|mapping-rules)/|^src/connectors/spi/(data-types|postgres-type-text|postgres-type-render|mysql-type-text)\\.ts$' },
    },
    {
      name: 'mapping-rules-is-pure',
      comment: 'The DMS rule reading shared by table mappings (engine) and migration-project rules (schema conversion): pure, so both may import it.',
      severity: 'error',
      from: { path: '^src/mapping-rules/' },
      to: { path: '^src/', pathNot: '^src/(mapping-rules|common)/|^src/connectors/spi/data-types\\.ts$' },
    },
    {
      name: 'assessment-knows-spi-and-mapping',
      comment: 'Premigration checks reach databases only through the connector SPI (inspector, source catalog) and plan selections with the pure table-mapping code; no API, control plane or store.',
      severity: 'error',
      from: { path: '^src/assessment/' },
      to: { path: '^src/', pathNot: '^src/(assessment|common|connectors/spi|mapping-rules|engine/mapping)/' },
    },
    {
      name: 'storage-knows-only-common',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/', pathNot: '^src/(storage|common)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    includeOnly: '^src/',
  },
};
