//! `textdesk`: the server, the worker and the operator commands in one binary.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use textdesk::commands::{self, NewOrganization};
use textdesk::config::Settings;
use textdesk::{demo, startup, telemetry};

#[derive(Parser)]
#[command(
    name = "textdesk",
    version,
    about = "Textdesk: the shared inbox for business text messaging"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the browser app and the worker in one process (the default).
    Serve {
        /// On an empty database, create a demo workspace and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Run only the background worker (for deployments with separate worker processes).
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Manage organizations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Mail that comes to this server.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Take a reply by email, as raw RFC 5322 on standard input (for a Postfix or Exim pipe
    /// alias). Exits 0 when the mail was handled (sent, refused with an explanation, or ignored),
    /// 65 when it is not a mail, 75 when it should be tried again later (the database is down).
    Receive,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organization and its first owner.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_email: String,
        #[arg(long)]
        owner_first_name: String,
        #[arg(long)]
        owner_last_name: String,
        /// The owner's password; generated and printed when absent.
        #[arg(long, env = "TEXTDESK_OWNER_PASSWORD", hide_env_values = true)]
        owner_password: Option<String>,
    },
}

#[actix_web::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(error) => {
            // The chain of causes, not a backtrace: these are operators' errors to fix.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log_level, settings.log_format);
    let done = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            settings.jwt_secret()?;
            let db = startup::open_database(&settings)?;
            if demo {
                announce_demo(demo::ensure_demo_workspace(&db)?, &settings);
            }
            startup::serve(settings, db).await
        }
        Command::Worker => {
            let db = startup::open_database(&settings)?;
            startup::worker(settings, db).await
        }
        Command::Migrate => {
            startup::open_database(&settings)?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Openapi { out } => commands::write_openapi(out.as_deref()),
        Command::Mail {
            command: MailCommand::Receive,
        } => return Ok(receive_mail(&settings)),
        Command::Org {
            command:
                OrgCommand::Create {
                    name,
                    owner_email,
                    owner_first_name,
                    owner_last_name,
                    owner_password,
                },
        } => {
            let db = startup::open_database(&settings)?;
            let request = NewOrganization {
                name,
                owner_email,
                owner_first_name,
                owner_last_name,
                owner_password,
            };
            let id = commands::create_organization(&db, request)?;
            println!("Created organization {id}.");
            Ok(())
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

fn receive_mail(settings: &Settings) -> ExitCode {
    const DATA_ERROR: u8 = 65;
    const TRY_AGAIN: u8 = 75;
    let mut raw = Vec::new();
    if let Err(error) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut raw) {
        eprintln!("error: reading the mail: {error}");
        return ExitCode::from(TRY_AGAIN);
    }
    match commands::receive_mail(settings, &raw) {
        Ok(Ok(outcome)) => {
            println!("{}", serde_json::to_string(&outcome).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(Err(refused)) => {
            eprintln!("error: {refused}");
            ExitCode::from(DATA_ERROR)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(TRY_AGAIN)
        }
    }
}

fn announce_demo(created: bool, settings: &Settings) {
    let state = if created {
        "Created the demo workspace."
    } else {
        "This database already has a workspace."
    };
    println!(
        "\n  {state}\n  Open {url} and sign in as {owner} with the password {password}\n  \
         (also admin@, sam@ and riley@demo.textdesk.local, same password).\n",
        url = settings.public_url(),
        owner = demo::DEMO_OWNER,
        password = demo::DEMO_PASSWORD,
    );
}
