/**
 * The functions stay quiet in a test run: their log lines and metrics would bury the report. Imported
 * first, because Powertools reads these settings when the logger and metrics are created (at import).
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
