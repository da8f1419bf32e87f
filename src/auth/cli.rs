//! `assetmap users`: add accounts (with an invite link), list, disable,
//! and give API tokens to scripts.

use super::{from_secs, invites, now_secs, secrets};
use crate::config::{StoreArgs, UsersCommand};
use crate::store::Store;
use anyhow::{bail, Context};
use std::sync::Arc;

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
            link,
            store,
        } => {
            let store = open(&store).await?;
            let (user, invite) = invites::add_user(store.as_ref(), &email, role, areas).await?;
            println!("added {} as {}", user.email, user.role.as_str());
            print_invite(&invite, &link.public_url);
        }
        UsersCommand::Invite { email, link, store } => {
            let store = open(&store).await?;
            let user = find(store.as_ref(), &email).await?;
            if user.disabled {
                bail!("{} is disabled; enable it first", user.email);
            }
            print_invite(
                &invites::invite(store.as_ref(), &user).await?,
                &link.public_url,
            );
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
    println!("(the link starts with --public-url or ASSETMAP_PUBLIC_URL: the address people open the map at)");
}

async fn set_disabled(args: &StoreArgs, email: &str, disabled: bool) -> anyhow::Result<()> {
    let store = open(args).await?;
    let user = find(store.as_ref(), email).await?;
    store.accounts().set_disabled(user.id, disabled).await?;
    let state = if disabled { "disabled" } else { "enabled" };
    println!("{} is {state}", user.email);
    Ok(())
}
