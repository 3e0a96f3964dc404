//! Running the server for real: Prometheus metrics on their own port,
//! request ids, graceful shutdown (drain on SIGTERM), the container's
//! health probe and backups. Kept apart from the capabilities: nothing here
//! reads or logs a person's data.

pub mod backup;
pub mod metrics;
pub mod probe;
pub mod request_id;
pub mod shutdown;
