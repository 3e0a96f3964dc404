//! `daoshi`: the server and its operator commands.

use std::path::PathBuf;

use anyhow::Context;
use backend::{config::Config, db, org, tenancy};
use clap::{Parser, Subcommand};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[derive(Parser)]
#[command(
    name = "daoshi",
    about = "导师 Daoshi: the all-staff mentor system (全员导师制)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate and serve the API and the frontend.
    Serve {
        /// Seed the demo district (示范区) when it is not there yet.
        #[arg(long)]
        demo: bool,
        /// Listen address (overrides BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations (run once before a rollout; the
    /// server also migrates at start, which is then a no-op).
    Migrate,
    /// Health check for a container: GET the server's own probe endpoint
    /// (exit 0 when it answers 200).
    Probe {
        /// Address to ask (default: BIND, wildcard asked on loopback).
        #[arg(long)]
        addr: Option<String>,
        /// `/healthz` (alive) or `/readyz` (database reachable, not draining).
        #[arg(long, default_value = "/healthz")]
        path: String,
    },
    /// Back up the database into a directory while the server runs
    /// (PostgreSQL: pg_dump custom format; SQLite: VACUUM INTO).
    Backup {
        /// The directory (created if missing).
        #[arg(long)]
        to: PathBuf,
    },
    /// Districts (operator command).
    District {
        #[command(subcommand)]
        command: DistrictCommand,
    },
    /// Seed a demo district (operator command; refused in production: its
    /// accounts share a public password).
    Demo {
        /// District code.
        #[arg(long, default_value = "demo")]
        code: String,
        /// District name.
        #[arg(long, default_value = "示范区")]
        name: String,
        /// Prefix of account names and school codes.
        #[arg(long, default_value = "")]
        prefix: String,
        /// Students per class.
        #[arg(long, default_value_t = 42)]
        class_size: usize,
    },
    /// Import a roster (.xlsx or .csv) into a school: all rows or none.
    Import {
        /// The school's code.
        #[arg(long)]
        school: String,
        /// Only check the file.
        #[arg(long)]
        dry_run: bool,
        /// The file.
        file: PathBuf,
    },
    /// Run a matching engine on an instance file (JSON; see docs/MATCHING.md).
    Match {
        /// The instance.
        #[arg(long)]
        input: PathBuf,
        /// Where to write the result (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Print a new Web Push (VAPID) private key: P-256, PKCS#8, base64url.
    /// Keep it with the other secrets (`VAPID_PRIVATE_KEY_FILE`); changing
    /// it makes every device subscribe again.
    VapidKey,
    /// Print the GraphQL schema (SDL), or write it to backend/schema.graphql.
    Schema {
        /// Write the checked-in file instead of printing.
        #[arg(long)]
        write: bool,
    },
}

#[derive(Subcommand)]
enum DistrictCommand {
    /// Create a district and its district admin account; prints the admin's
    /// one-time password (shown once; it must be changed at first login).
    Create {
        /// District code (2–32 letters, digits, `-`, `_`; platform-unique).
        #[arg(long)]
        code: String,
        /// District name.
        #[arg(long)]
        name: String,
        /// The admin's username (default `<code>.admin`, lower-cased).
        #[arg(long)]
        admin: Option<String>,
    },
}

/// Logs on standard output: human-readable, or one JSON object a line with
/// `DAOSHI_LOG_FORMAT=json` (each request's lines carry its `request_id`).
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let json = std::env::var("DAOSHI_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    init_logs();
    let cli = Cli::parse();
    match cli.command {
        Command::Probe { addr, path } => {
            let addr = match addr.or_else(|| std::env::var("BIND").ok()) {
                Some(a) => a
                    .parse()
                    .context("the address must look like 127.0.0.1:8080")?,
                None => std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            };
            if !matches!(path.as_str(), "/healthz" | "/readyz") {
                anyhow::bail!("--path must be /healthz or /readyz");
            }
            backend::ops::probe::probe(addr, &path, std::time::Duration::from_secs(3)).await?;
            println!("ok");
            Ok(())
        }
        Command::Backup { to } => {
            let config = Config::from_env()?;
            let path = backend::ops::backup::backup(&config, &to).await?;
            println!("backup written: {}", path.display());
            Ok(())
        }
        Command::Match { input, output } => {
            let text = std::fs::read_to_string(&input)
                .with_context(|| format!("reading {}", input.display()))?;
            match shared::matching::run_instance_json(&text) {
                Ok(out) => {
                    match output {
                        Some(path) => std::fs::write(&path, out)
                            .with_context(|| format!("writing {}", path.display()))?,
                        None => println!("{out}"),
                    }
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
        }
        Command::Schema { write } => {
            let sdl = backend::graphql::sdl();
            if write {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
                std::fs::write(path, sdl).with_context(|| format!("writing {path}"))?;
                println!("wrote {path}");
            } else {
                print!("{sdl}");
            }
            Ok(())
        }
        Command::Serve { demo, bind } => {
            let mut config = Config::from_env()?;
            if let Some(b) = bind {
                config.bind = b
                    .parse()
                    .context("--bind must be an address like 127.0.0.1:8080")?;
            }
            backend::serve(config, demo).await
        }
        Command::VapidKey => {
            println!("{}", backend::notify::webpush::generate_key()?);
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            db::migrate(&db::connect_owner(&config).await?).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::District {
            command: DistrictCommand::Create { code, name, admin },
        } => {
            let config = Config::from_env()?;
            let owner = db::connect_owner(&config).await?;
            db::migrate(&owner).await?;
            let admin = admin.unwrap_or_else(|| format!("{}.admin", code.to_lowercase()));
            match backend::create_district(&owner, &code, &name, &admin).await {
                Ok(d) => {
                    println!("district {code} created ({})", d.district_id);
                    println!("district admin: {}", d.username);
                    println!("one-time password: {}", d.one_time_password);
                    println!(
                        "Give it to the admin in person; it is shown only now and must be changed at first login."
                    );
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            }
        }
        Command::Demo {
            code,
            name,
            prefix,
            class_size,
        } => {
            let config = Config::from_env()?;
            if config.production {
                eprintln!("{}", backend::DEMO_REFUSED);
                std::process::exit(2);
            }
            let owner = db::connect_owner(&config).await?;
            db::migrate(&owner).await?;
            let spec = org::demo::DemoSpec {
                code,
                name,
                prefix,
                class_size,
            };
            let s = backend::seed_demo(&owner, &spec).await?;
            if s.created {
                println!(
                    "seeded {} students; accounts: {}",
                    s.students,
                    s.accounts.join(", ")
                );
            } else {
                println!("district {} already exists; nothing seeded", spec.code);
            }
            Ok(())
        }
        Command::Import {
            school,
            dry_run,
            file,
        } => {
            let config = Config::from_env()?;
            let owner = db::connect_owner(&config).await?;
            db::migrate(&owner).await?;
            let s = org::entities::school::Entity::find()
                .filter(org::entities::school::Column::Code.eq(&school))
                .one(&owner)
                .await?
                .with_context(|| format!("no school with code {school}"))?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let caller = tenancy::Caller {
                user_id: uuid::Uuid::nil(),
                roles: vec![shared::org::Role::SchoolAdmin],
                district_id: s.district_id,
                school_id: Some(s.id),
                grades: vec![],
            };
            let ctx = tenancy::Ctx::begin_for_write(&owner, Some(caller))
                .await
                .map_err(backend::error::ApiError::into_anyhow)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let r = org::import::import(&ctx, &name, &bytes, dry_run)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            ctx.finish(r.ok && !dry_run)
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
            if r.ok {
                println!(
                    "{}{}: {} rows, {} created, {} updated, {} unchanged, {} guardian links",
                    if dry_run {
                        "check passed, nothing written — "
                    } else {
                        ""
                    },
                    r.kind,
                    r.rows,
                    r.created,
                    r.updated,
                    r.unchanged,
                    r.guardians_linked
                );
                Ok(())
            } else {
                eprintln!("导入失败，未写入任何数据 / import refused, nothing written:");
                for e in &r.errors {
                    eprintln!(
                        "  第{}行 {}: {}",
                        e.row,
                        e.column.as_deref().unwrap_or("-"),
                        e.message
                    );
                }
                std::process::exit(2);
            }
        }
    }
}
