//! The command line. Every option can also come from the environment. Failures print one line
//! and exit non-zero — never a panic or a backtrace.

use app::i18n::*;
use backend::db::{PoolSize, DEFAULT_URL};
use backend::Db;
use clap::{Parser, Subcommand, ValueEnum};
use domain::user::{Lang, NewUser, Role};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Connections `serve` keeps open while idle (at most its pool size).
const SERVER_WARM_CONNECTIONS: u32 = 8;

#[derive(Parser, Debug)]
#[command(name = "voronka", version, about = "Voronka: a lead-management CRM for driving schools")]
pub struct Cli {
    /// sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_URL, global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (migrates the database first)
    Serve(ServeArgs),
    /// Apply database migrations and exit
    Migrate,
    /// Create a user; the password is read from standard input
    CreateUser {
        #[arg(long, env = "VORONKA_LOGIN")]
        login: String,
        #[arg(long, env = "VORONKA_NAME")]
        name: String,
        #[arg(long, env = "VORONKA_ROLE", value_enum)]
        role: CliRole,
        /// Read the password from the first line of standard input
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long, env = "VORONKA_LANG", default_value = "ru", value_parser = ["ru", "en"])]
        lang: String,
    },
    /// Fill an empty database with a demo school
    Demo {
        #[arg(long, env = "VORONKA_DEMO_LEADS", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(0..=2_000_000))]
        leads: u32,
        #[arg(long, env = "VORONKA_DEMO_SEED", default_value_t = 2026)]
        seed: u64,
        /// Which leads sales staff see: all of them, or only their own
        #[arg(long, env = "VORONKA_DEMO_SALES_SEE", default_value = "all", value_parser = ["all", "own"])]
        sales_see: String,
        /// The demo users' password (random when not given); from the environment only
        #[arg(skip = std::env::var("VORONKA_DEMO_PASSWORD").ok())]
        password: Option<String>,
    },
    /// Import leads from an XLSX or CSV file laid out as the template; prints the report first
    Import {
        /// The file to import
        file: PathBuf,
        /// Only check the file and print the report
        #[arg(long)]
        dry_run: bool,
        /// Import as this user (the registrar); the owner when not given
        #[arg(long = "as", value_name = "LOGIN")]
        as_login: Option<String>,
        /// Do not run the automation rules on the imported leads
        #[arg(long)]
        no_rules: bool,
    },
    /// Create an integration API token and print it (it is shown this once)
    CreateToken {
        #[arg(long, env = "VORONKA_TOKEN_NAME")]
        name: String,
        /// Comma-separated: leads:write, leads:read, calls:write
        #[arg(long, env = "VORONKA_TOKEN_SCOPES")]
        scopes: String,
        /// The owner or director the token acts as; the owner when not given
        #[arg(long = "as", value_name = "LOGIN")]
        as_login: Option<String>,
    },
    /// Write a consistent copy of the database to a new file, also while serving
    Backup {
        #[arg(long, env = "VORONKA_BACKUP_TO")]
        to: PathBuf,
    },
    /// Put a backup back in place of the database (stop the server first). Refuses to replace a
    /// database that holds a school unless --replace is given.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        replace: bool,
    },
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    #[arg(long, env = "VORONKA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Where the built site (pkg/, favicon) lives
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Mark the session cookie Secure; set when Voronka is reached over https
    #[arg(long, env = "VORONKA_SECURE_COOKIE", default_value_t = false)]
    pub secure_cookie: bool,
    /// Sign-in sessions end after this many minutes without a request
    #[arg(long, env = "VORONKA_SESSION_IDLE_MINUTES", default_value_t = 720, value_parser = clap::value_parser!(u32).range(5..=43200))]
    pub session_idle_minutes: u32,
    /// Pooled database connections (default: 8 for SQLite, 16 for PostgreSQL)
    #[arg(long, env = "VORONKA_DB_CONNECTIONS", value_parser = clap::value_parser!(u32).range(1..=500))]
    pub db_connections: Option<u32>,
    /// Integration API requests per token per minute
    #[arg(long, env = "VORONKA_API_REQUESTS_PER_MINUTE", default_value_t = crate::api::REQUESTS_PER_MINUTE, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub api_requests_per_minute: u32,
}

impl ServeArgs {
    /// How long a sign-in session lasts without requests.
    pub fn session_idle(&self) -> time::Duration {
        time::Duration::minutes(i64::from(self.session_idle_minutes))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum CliRole {
    Owner,
    Director,
    Deputy,
    Administrator,
    Sales,
}

impl From<CliRole> for Role {
    fn from(r: CliRole) -> Self {
        match r {
            CliRole::Owner => Role::Owner,
            CliRole::Director => Role::Director,
            CliRole::Deputy => Role::Deputy,
            CliRole::Administrator => Role::Administrator,
            CliRole::Sales => Role::Sales,
        }
    }
}

/// Parses arguments, runs the command, and turns every failure into one line on stderr.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("voronka: {}: {info}", td_string!(cli_locale(), cli.internal_error));
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let locale = cli_locale();
            eprintln!("voronka: {} ({})", crate::cli_errors::parse_error_text(locale, &e), td_string!(locale, cli.see_help));
            return ExitCode::from(2);
        }
    };
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("voronka: {}: {e}", td_string!(cli_locale(), cli.no_runtime));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("voronka: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Opens and migrates the database, as every command needs.
async fn open(url: &str) -> Result<Db, String> {
    open_with(url, PoolSize::default()).await
}

/// [`open`] with a chosen pool size.
async fn open_with(url: &str, size: PoolSize) -> Result<Db, String> {
    let db = Db::connect_with(url, size).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| format!("{}: {e}", td_string!(cli_locale(), cli.cannot_migrate)))?;
    Ok(db)
}

/// An error in the words the app uses for it; storage failures as the database said them (the
/// command line is the administrator's, who needs the detail).
pub(crate) fn describe(e: backend::Error) -> String {
    match e {
        backend::Error::App(error) => app::components::errors::error_text_in(cli_locale(), &error),
        other => other.to_string(),
    }
}

/// The command line's language: `VORONKA_LANG` (`ru` or `en`), else the locale of the
/// environment (`LC_ALL`, `LC_MESSAGES`, `LANG`) when it is English; Russian otherwise.
pub(crate) fn cli_locale() -> Locale {
    let chosen =
        ["VORONKA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    match chosen {
        Some(lang) if lang.to_lowercase().starts_with("en") => Locale::en,
        _ => Locale::ru,
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let url = cli.database_url.clone();
    match cli.command {
        Command::Serve(args) => {
            let db = open_with(&url, PoolSize { max: args.db_connections, warm: SERVER_WARM_CONNECTIONS }).await?;
            crate::http::serve(db, args).await
        }
        Command::Migrate => {
            let db = open(&url).await?;
            println!("{} ({})", td_string!(cli_locale(), cli.up_to_date), db.backend_name());
            db.close().await;
            Ok(())
        }
        Command::CreateUser { login, name, role, password_stdin: _, lang } => {
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).map_err(|e| format!("{}: {e}", td_string!(cli_locale(), cli.no_password)))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let db = open(&url).await?;
            if !backend::settings::is_set_up(&db).await.map_err(describe)? {
                return Err(td_string!(cli_locale(), cli.not_set_up).to_string());
            }
            let lang = Lang::parse(&lang).unwrap_or_default();
            let user = backend::users::create_user(&db, NewUser { login, display_name: name, role: role.into(), password, lang })
                .await
                .map_err(describe)?;
            println!("{} {} ({})", td_string!(cli_locale(), cli.user_created), user.login, user.role.as_str());
            db.close().await;
            Ok(())
        }
        Command::Demo { leads, seed, password, sales_see } => {
            if let Some(p) = &password {
                domain::user::validate_password(p)
                    .map_err(|_| format!("{} {}", td_string!(cli_locale(), cli.demo_password_short), domain::user::MIN_PASSWORD_LEN))?;
            }
            let db = open(&url).await?;
            let started = std::time::Instant::now();
            let summary = backend::demo::generate(&db, leads as usize, seed, password).await.map_err(describe)?;
            let visibility = domain::settings::LeadVisibility::parse(&sales_see).unwrap_or_default();
            let users = backend::users::list_users(&db).await.map_err(describe)?;
            let owner = users.iter().find(|u| u.role == domain::user::Role::Owner).ok_or(td_string!(cli_locale(), cli.no_owner))?;
            backend::settings::set_lead_visibility(&db, owner, visibility).await.map_err(describe)?;
            let locale = cli_locale();
            let (leads, seconds) = (summary.leads, started.elapsed().as_secs_f64());
            println!("{} {leads} ({seconds:.1} {})", td_string!(locale, cli.demo_created), td_string!(locale, cli.seconds));
            let sees = match visibility {
                domain::settings::LeadVisibility::All => td_string!(locale, cli.sales_see_all),
                domain::settings::LeadVisibility::Own => td_string!(locale, cli.sales_see_own),
            };
            println!("  {sees}");
            let (login_word, role_word, password_word) =
                (td_string!(locale, cli.login), td_string!(locale, cli.role), td_string!(locale, cli.password));
            for (login, role) in &summary.logins {
                println!("  {login_word}: {login:<14} {role_word}: {:<14} {password_word}: {}", role.as_str(), summary.password);
            }
            db.close().await;
            Ok(())
        }
        Command::Import { file, dry_run, as_login, no_rules } => {
            let db = open(&url).await?;
            let result = crate::import_cli::import(&db, &file, dry_run, as_login, !no_rules).await;
            db.close().await;
            result
        }
        Command::CreateToken { name, scopes, as_login } => {
            let scopes = domain::api::Scope::parse_list(&scopes).map_err(|_| td_string!(cli_locale(), cli.scopes).to_string())?;
            let db = open(&url).await?;
            let users = backend::users::list_users(&db).await.map_err(describe)?;
            let actor = match &as_login {
                Some(login) => {
                    users.iter().find(|u| &u.login == login).ok_or_else(|| format!("{} {login}", td_string!(cli_locale(), cli.no_user)))?
                }
                None => users.iter().find(|u| u.role == Role::Owner && u.active).ok_or(td_string!(cli_locale(), cli.not_set_up))?,
            };
            let (_, secret) = backend::tokens::create(&db, actor, &name, &scopes).await.map_err(describe)?;
            println!("{secret}");
            db.close().await;
            Ok(())
        }
        Command::Backup { to } => {
            let db = open(&url).await?;
            backend::backup::backup(&db, &url, &to).await.map_err(describe)?;
            println!("{} {}", td_string!(cli_locale(), cli.backup_written), to.display());
            db.close().await;
            Ok(())
        }
        Command::Restore { from, replace } => {
            backend::backup::restore(&url, &from, replace).await.map_err(describe)?;
            println!("{} {}; {}", td_string!(cli_locale(), cli.restored), from.display(), td_string!(cli_locale(), cli.restart));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use backend::db::{POSTGRES_CONNECTIONS, SQLITE_CONNECTIONS};
    use clap::CommandFactory;

    /// The pool's defaults live in `backend::db`; the flag's help spells them out by hand.
    #[test]
    fn the_connections_help_names_the_pools_defaults() {
        let cli = Cli::command();
        let serve = cli.find_subcommand("serve").expect("serve");
        let flag = serve.get_arguments().find(|a| a.get_id() == "db_connections").expect("--db-connections");
        let help = flag.get_help().expect("help").to_string();
        assert!(help.contains(&format!("{SQLITE_CONNECTIONS} for SQLite")), "{help}");
        assert!(help.contains(&format!("{POSTGRES_CONNECTIONS} for PostgreSQL")), "{help}");
    }
}
