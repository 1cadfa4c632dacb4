export { createExporter, type Exporter, type ExportFile, type ExportLimits } from './exporter.ts';
export { ExportParams } from './params.ts';
export { exportDocs, exportRoutes } from './route.ts';
export { EXPORT_TABLE_NAMES, EXPORT_TABLES, type ExportTableName } from './tables.ts';
