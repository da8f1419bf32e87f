//! `assetmap users`: add accounts (with an invite link), list, disable,
//! and give API tokens to scripts.

use super::{from_secs, invites, now_secs, secrets, Role};
use crate::config::StoreArgs;
use crate::store::Store;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add an account and print a one-time link to set its password.
    Add {
        email: String,
        #[arg(long, value_enum, ignore_case = true, default_value_t = Role::Contributor)]
        role: Role,
        /// Limit a moderator to this area code (repeatable).
        #[arg(long = "area", value_name = "CODE")]
        areas: Vec<String>,
        /// The map's address, for the link.
        #[arg(
            long,
            env = "ASSETMAP_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print a new invite link for an account, e.g. after a lost password.
    Invite {
        email: String,
        #[arg(
            long,
            env = "ASSETMAP_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disable an account: its sessions end and its API tokens stop working.
    Disable {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Enable a disabled account again (it needs a new invite to sign in).
    Enable {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Make an API token for scripts, shown once: send it as
    /// `Authorization: Bearer <token>`.
    Token {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the role matrix.
    Roles,
}

async fn open(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    crate::store::open(&args.database_url).await
}

async fn find(store: &dyn Store, email: &str) -> anyhow::Result<super::User> {
    store
        .accounts()
        .user_by_email(email)
        .await?
        .with_context(|| format!("no account has the email {email}"))
}

pub async fn run(command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add {
            email,
            role,
            areas,
            public_url,
            store,
        } => {
            let store = open(&store).await?;
            let (user, invite) = invites::add_user(store.as_ref(), &email, role, areas).await?;
            println!("added {} as {}", user.email, user.role.as_str());
            print_invite(&invite, &public_url);
        }
        UsersCommand::Invite {
            email,
            public_url,
            store,
        } => {
            let store = open(&store).await?;
            let user = find(store.as_ref(), &email).await?;
            if user.disabled {
                bail!("{} is disabled; enable it first", user.email);
            }
            print_invite(&invites::invite(store.as_ref(), &user).await?, &public_url);
        }
        UsersCommand::List { store } => {
            let store = open(&store).await?;
            println!("email\trole\tareas\tstate\tcreated");
            for u in store.accounts().users().await? {
                let state = match (u.disabled, u.password_hash.is_some()) {
                    (true, _) => "disabled",
                    (false, true) => "active",
                    (false, false) => "invited",
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.email,
                    u.role.as_str(),
                    u.areas.join(","),
                    state,
                    u.created_at.format("%Y-%m-%d")
                );
            }
        }
        UsersCommand::Disable { email, store } => set_disabled(&store, &email, true).await?,
        UsersCommand::Enable { email, store } => set_disabled(&store, &email, false).await?,
        UsersCommand::Token { email, store } => {
            let store = open(&store).await?;
            let user = find(store.as_ref(), &email).await?;
            if user.disabled {
                bail!("{} is disabled", user.email);
            }
            let token = secrets::random_token();
            store
                .accounts()
                .add_api_token(&secrets::token_hash(&token), user.id, now_secs())
                .await?;
            println!(
                "API token for {} (shown only now; keep it secret):",
                user.email
            );
            println!("{token}");
        }
        UsersCommand::Roles => print!("{}", super::matrix::markdown()),
    }
    Ok(())
}

fn print_invite(invite: &invites::Invite, public_url: &str) {
    println!(
        "send this link to set a password (works once, until {}):",
        from_secs(invite.expires_at).format("%Y-%m-%d %H:%M UTC")
    );
    println!("{}", invite.link(public_url));
}

async fn set_disabled(args: &StoreArgs, email: &str, disabled: bool) -> anyhow::Result<()> {
    let store = open(args).await?;
    let user = find(store.as_ref(), email).await?;
    store.accounts().set_disabled(user.id, disabled).await?;
    let state = if disabled { "disabled" } else { "enabled" };
    println!("{} is {state}", user.email);
    Ok(())
}
