// Loaded by mocha before every test file (see .mocharc.json): keep component logs to errors
// unless a developer asks for more with K8TS_LOG_LEVEL.
process.env.K8TS_LOG_LEVEL ??= 'error';
