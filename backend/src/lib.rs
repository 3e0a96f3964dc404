//! The Daoshi server: a GraphQL API over PostgreSQL (or SQLite) with
//! row-level tenancy, serving the Leptos frontend. Organised by capability.

pub mod audit;
pub mod auth;
pub mod authz;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod graphql;
pub mod http;
pub mod ids;
pub mod matching;
pub mod mentoring;
pub mod org;
pub mod pagination;
pub mod policy;
pub mod state;
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
    let app_db = if config.is_postgres() {
        db::connect_app(&config).await?
    } else {
        owner
    };
    let bind = config.bind;
    let state = state::AppState::new(config, app_db).await?;
    let app = http::router(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    println!("Daoshi listening on http://{addr}");
    tracing::info!(%addr, "listening");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
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
