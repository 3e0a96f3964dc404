//! The Daoshi server: a GraphQL API over PostgreSQL (or SQLite) with
//! row-level tenancy, serving the Leptos frontend. Organised by capability.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod care;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod insights;
pub mod jobs;
pub mod lifecycle;
pub mod matching;
pub mod mentoring;
pub mod notify;
pub mod ops;
pub mod org;
pub mod pagination;
pub mod paper;
pub mod policy;
pub mod state;
pub mod surveys;
pub mod tenancy;
pub mod validate;

use std::net::SocketAddr;

use anyhow::Context;

/// Why demo seeding is refused in production.
pub const DEMO_REFUSED: &str = "refusing to seed the demo district: its accounts share a public password (`daoshi-demo`), and DAOSHI_ENV is production (the default). To try Daoshi out, run with DAOSHI_ENV=development; to onboard a real district, use `daoshi district create --code CODE --name NAME`.";

/// Migrates, optionally seeds the demo district, and serves until Ctrl-C.
/// The demo is refused in production, before anything is touched.
pub async fn serve(config: config::Config, demo: bool) -> anyhow::Result<()> {
    if demo && config.production {
        anyhow::bail!(DEMO_REFUSED);
    }
    if config.jwt_secret.is_none() {
        anyhow::bail!(
            "JWT_SECRET is required (at least 32 characters); DAOSHI_ENV=development generates one for trying the server out"
        );
    }
    // With migrations as a separate step (DAOSHI_MIGRATE_ON_START=0) a
    // PostgreSQL replica opens no owner connection at all.
    if config.is_postgres() && !config.migrate_on_start && !demo {
        let app_db = db::connect_app(&config).await?;
        return run(config, app_db, None).await;
    }
    let owner = db::connect_owner(&config).await?;
    db::migrate(&owner).await?;
    if demo {
        let summary = seed_demo(&owner, &org::demo::DemoSpec::default()).await?;
        if summary.created {
            println!(
                "示范区 demo district seeded: {} students. Accounts (password `{}`): {}",
                summary.students,
                org::demo::DEMO_PASSWORD,
                summary.accounts.join(", ")
            );
        } else {
            println!(
                "Demo district already present. Accounts use password `{}`: district, s1.admin, s1.head1, s1.mentor1, s1.counsellor, s1.parent1, s1.student1 (and s2.*, s3.*)",
                org::demo::DEMO_PASSWORD
            );
        }
    }
    let escalation_owner = owner.clone();
    let app_db = if config.is_postgres() {
        db::connect_app(&config).await?
    } else {
        owner
    };
    run(config, app_db, Some(escalation_owner)).await
}

/// Serves on the configured listeners until SIGTERM or Ctrl-C, then drains.
/// The care escalation timer runs on the owner connection (it serves every
/// school), so only where there is one.
async fn run(
    config: config::Config,
    app_db: sea_orm::DatabaseConnection,
    escalation_owner: Option<sea_orm::DatabaseConnection>,
) -> anyhow::Result<()> {
    let bind = config.bind;
    if let Some(f) = &config.clock_file {
        clock::use_clock_file(f.clone());
    }
    let every = std::time::Duration::from_millis(u64::from(config.escalation_interval_ms));
    let metrics_bind = config.metrics_bind;
    let grace = std::time::Duration::from_secs(config.shutdown_grace_secs.into());
    let state = state::AppState::new(config, app_db).await?;
    start_jobs(&state)?;
    if let Some(m) = metrics_bind {
        let listener = tokio::net::TcpListener::bind(m)
            .await
            .with_context(|| format!("binding the metrics listener {m}"))?;
        println!(
            "Daoshi metrics on http://{}/metrics",
            listener.local_addr()?
        );
        let app = ops::metrics::router(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    match escalation_owner {
        Some(owner) => care::escalation::spawn(owner, state.alerts.clone(), every),
        None => tracing::warn!(
            "no owner connection (DAOSHI_MIGRATE_ON_START=0): this replica runs no care escalation timer"
        ),
    }
    let app = http::router(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    println!("Daoshi listening on http://{addr}");
    tracing::info!(%addr, "listening");
    // SIGTERM: stop accepting, finish in-flight requests, exit; at most
    // `grace` after the signal (ops::shutdown).
    let (signalled_tx, signalled) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        ops::shutdown::signal().await;
        let _ = signalled_tx.send(());
    });
    tokio::select! {
        r = server => r?,
        () = async {
            if signalled.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!(in_flight = ops::metrics::in_flight(), "grace period over; exiting with requests unfinished");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Starts this process's job workers (issue 14) with every capability's handlers.
fn start_jobs(state: &state::AppState) -> anyhow::Result<()> {
    let settings = jobs::worker::Settings::from_env()?;
    let mut registry = jobs::Registry::default();
    jobs::worker::test_handlers(&mut registry, state.config.production);
    notify::jobs::register(&mut registry, state.db.clone());
    notify::events::register(&mut registry);
    notify::push::register(&mut registry, state.db.clone(), state.push.clone());
    notify::robots::register(
        &mut registry,
        state.push.outbound.clone(),
        state.config.public_url.clone(),
    );
    insights::jobs::register(&mut registry, state.db.clone());
    paper::files::register(&mut registry, state.db.clone());
    tracing::info!(workers = settings.workers, kinds = ?registry.kinds(), "job workers");
    jobs::worker::spawn(state.db.clone(), registry, settings);
    Ok(())
}

/// Creates a district and its admin with a one-time password, as the operator.
pub async fn create_district(
    owner: &sea_orm::DatabaseConnection,
    code: &str,
    name: &str,
    admin: &str,
) -> anyhow::Result<auth::lifecycle::NewDistrict> {
    let ctx = tenancy::Ctx::begin(owner, None)
        .await
        .map_err(error::ApiError::into_anyhow)?;
    let r = auth::lifecycle::create_district(&ctx, code, name, admin).await;
    ctx.finish(r.is_ok())
        .await
        .map_err(error::ApiError::into_anyhow)?;
    r.map_err(|e| anyhow::anyhow!(e.message()))
}

/// Seeds a demo district as the operator.
pub async fn seed_demo(
    owner: &sea_orm::DatabaseConnection,
    spec: &org::demo::DemoSpec,
) -> anyhow::Result<org::demo::DemoSummary> {
    let ctx = tenancy::Ctx::begin_for_write(owner, None)
        .await
        .map_err(error::ApiError::into_anyhow)?;
    let summary = org::demo::seed(&ctx, spec).await?;
    ctx.finish(true)
        .await
        .map_err(error::ApiError::into_anyhow)?;
    Ok(summary)
}
