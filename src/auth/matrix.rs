//! The role matrix: for every action that writes, what each role may do.
//! This table is the only place that says so; every route that writes asks
//! `decide`, the README shows the same table, and `tests/roles.rs` walks it.

use super::{Principal, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `POST /api/assets`
    CreateAsset,
    /// `PATCH /api/assets/{id}`
    EditAsset,
    /// `DELETE /api/assets/{id}`
    ArchiveAsset,
    /// `POST /api/assets/{id}/verify`
    VerifyAsset,
    /// `POST /api/assets/{id}/revert`: go back to an earlier version (a new
    /// version with the old one's content).
    RevertAsset,
    /// `POST /api/import`
    Import,
    /// `POST /api/proposals`: suggest a new asset or an edit, offer a skill.
    Suggest,
    /// `POST /api/assets/{id}/reports`
    Report,
    /// `POST /api/assets/{id}/introductions`
    AskIntroduction,
    /// `GET /api/proposals` (the queue), `POST /api/proposals/{id}/approve`
    /// and `/reject`.
    Review,
    /// `POST /api/assets/{id}/withdraw`: erase a person's offer on their
    /// behalf (they can also withdraw with their own code, no account).
    WithdrawPerson,
    /// `GET /api/users`, `POST /api/users`, `assetmap users`.
    ManageUsers,
}

/// What a role may do with an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Deny,
    /// The write becomes a proposal in the moderators' queue.
    Queue,
    Allow,
    /// Allowed where the asset lies in one of the moderator's areas (or
    /// anywhere for a moderator with none); denied elsewhere.
    InArea,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub action: Action,
    pub public: Rule,
    pub contributor: Rule,
    pub moderator: Rule,
    pub admin: Rule,
}

const fn row(action: Action, public: Rule, contributor: Rule, moderator: Rule, admin: Rule) -> Row {
    Row {
        action,
        public,
        contributor,
        moderator,
        admin,
    }
}

use Action::*;
use Rule::*;

#[rustfmt::skip]
pub const MATRIX: &[Row] = &[
    //   action           public  contributor moderator admin
    row(CreateAsset,     Deny,   Queue,      InArea,   Allow),
    row(EditAsset,       Deny,   Queue,      InArea,   Allow),
    row(ArchiveAsset,    Deny,   Deny,       InArea,   Allow),
    row(VerifyAsset,     Deny,   Deny,       InArea,   Allow),
    row(RevertAsset,     Deny,   Deny,       InArea,   Allow),
    row(Import,          Deny,   Deny,       Deny,     Allow),
    row(Suggest,         Queue,  Queue,      Queue,    Queue),
    row(Report,          Queue,  Queue,      Queue,    Queue),
    row(AskIntroduction, Queue,  Queue,      Queue,    Queue),
    row(Review,          Deny,   Deny,       InArea,   Allow),
    row(WithdrawPerson,  Deny,   Deny,       InArea,   Allow),
    row(ManageUsers,     Deny,   Deny,       Deny,     Allow),
];

/// What happens when this caller does this action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Queue,
    Deny,
}

pub fn rule(role: Option<Role>, action: Action) -> Rule {
    let row = MATRIX
        .iter()
        .find(|r| r.action == action)
        .expect("every action has a row in the matrix");
    match role {
        None => row.public,
        Some(Role::Contributor) => row.contributor,
        Some(Role::Moderator) => row.moderator,
        Some(Role::Admin) => row.admin,
    }
}

/// Decides an action. `in_area` says whether every place the action
/// touches lies in one of the given area codes; it is asked only for a
/// moderator limited to some areas.
pub fn decide(who: &Principal, action: Action, in_area: impl Fn(&[String]) -> bool) -> Decision {
    match rule(who.role, action) {
        Deny => Decision::Deny,
        Queue => Decision::Queue,
        Allow => Decision::Allow,
        InArea if who.areas.is_empty() || in_area(&who.areas) => Decision::Allow,
        InArea => Decision::Deny,
    }
}

/// The matrix as Markdown, for the README and `assetmap users roles`.
pub fn markdown() -> String {
    let word = |r: Rule| match r {
        Deny => "no",
        Queue => "proposal",
        Allow => "yes",
        InArea => "in their areas",
    };
    let mut out = String::from(
        "| action | public | contributor | moderator | admin |\n|---|---|---|---|---|\n",
    );
    for r in MATRIX {
        let name = serde_json::to_value(r.action).expect("serialises");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            name.as_str().unwrap_or_default(),
            word(r.public),
            word(r.contributor),
            word(r.moderator),
            word(r.admin)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moderator(areas: &[&str]) -> Principal {
        Principal {
            user_id: None,
            name: "m@example.org".into(),
            role: Some(Role::Moderator),
            areas: areas.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn every_action_has_exactly_one_row() {
        for r in MATRIX {
            assert_eq!(MATRIX.iter().filter(|o| o.action == r.action).count(), 1);
        }
    }

    #[test]
    fn moderators_are_held_to_their_areas() {
        let inside = |codes: &[String]| codes.iter().any(|c| c == "E05000001");
        let outside = |_: &[String]| false;
        assert_eq!(
            decide(&moderator(&["E05000001"]), Review, inside),
            Decision::Allow
        );
        assert_eq!(
            decide(&moderator(&["E05000002"]), Review, outside),
            Decision::Deny
        );
        // A moderator with no areas moderates everywhere.
        assert_eq!(
            decide(&moderator(&[]), ArchiveAsset, outside),
            Decision::Allow
        );
        assert_eq!(
            decide(&Principal::public(), CreateAsset, inside),
            Decision::Deny
        );
        assert_eq!(
            decide(&Principal::public(), Report, inside),
            Decision::Queue
        );
        assert_eq!(
            decide(&Principal::admin_token(), Import, outside),
            Decision::Allow
        );
    }

    #[test]
    fn the_readme_shows_this_matrix() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown()),
            "README.md's role table differs from the code; paste this:\n{}",
            markdown()
        );
    }
}
