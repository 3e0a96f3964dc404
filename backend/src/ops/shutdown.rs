//! Graceful shutdown. On SIGTERM (Kubernetes, `docker stop`) or Ctrl-C the
//! server marks itself draining (`/readyz` answers 503 so load balancers
//! stop sending), stops accepting connections, lets in-flight requests
//! finish, and exits; past the grace period it exits anyway.

use std::sync::atomic::{AtomicBool, Ordering};

static DRAINING: AtomicBool = AtomicBool::new(false);

/// Whether a shutdown signal has arrived.
pub fn draining() -> bool {
    DRAINING.load(Ordering::Relaxed)
}

/// Resolves on SIGTERM or Ctrl-C, after marking the process draining.
pub async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "no SIGTERM handler; Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    DRAINING.store(true, Ordering::Relaxed);
    tracing::info!(
        in_flight = super::metrics::in_flight(),
        "shutdown signal: draining"
    );
}
