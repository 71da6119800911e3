//! The authorization matrix: every API route, every page server function and every live event
//! type, tried by each kind of caller, with the exact outcome each must get. The tables
//! (`table_*.rs`, `events.rs`) are the record of who may do what; the tests fail when the
//! server disagrees with them, and when a route, server function or event type exists that the
//! tables do not list. A row lists one outcome per actor, in `ACTORS` order; a route with more
//! than one interesting target (a group and a direct chat) has a row per case.

mod events;
mod events_run;
mod run;
mod table_chats;
mod table_messages;
mod table_pages;
mod table_rest;
mod world;

/// Who makes the request. Their relation to the row's target is set up by `world`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// No credentials at all.
    Anonymous,
    /// The member's access token, after that device was signed out.
    Revoked,
    /// A token for the member's live session, correctly signed, whose `exp` has passed.
    Expired,
    /// Signed in, but in none of the world's chats and no one's contact.
    Stranger,
    /// Was a member of the group (and wrote in it) until the owner removed them.
    Removed,
    /// Someone the owner blocked: a plain member of the group (blocks do not touch groups), and
    /// the other person of the owner's direct chat, which the block closed to messages.
    Blocked,
    /// A plain member of the group; the author of its message, the uploader of its images and
    /// the one whose sessions and contact requests the user-scoped rows target.
    Member,
    Admin,
    Owner,
}

/// Column order of the tables.
pub const ACTORS: [Actor; 9] = [
    Actor::Anonymous,
    Actor::Revoked,
    Actor::Expired,
    Actor::Stranger,
    Actor::Removed,
    Actor::Blocked,
    Actor::Member,
    Actor::Admin,
    Actor::Owner,
];

/// What one actor must get from one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Success with exactly this status.
    Allow(u16),
    /// Success with this status, but an answer that holds none of the world's protected data
    /// (a stranger's chat list or search: allowed, and empty of other people's chats).
    Blind(u16),
    /// `{"error": {"code", "message"}}` with this status and code, and none of the protected data.
    Deny(u16, &'static str),
    // There is no "not applicable": every actor can send every request, and what they must get
    // is worth pinning down even where the credential is ignored (register, login, refresh).
}

pub const UNAUTHENTICATED: Expect = Expect::Deny(401, "unauthenticated");
pub const NOT_FOUND: Expect = Expect::Deny(404, "not_found");
pub const FORBIDDEN: Expect = Expect::Deny(403, "forbidden");

/// The three callers who are not signed in get 401 on every route that needs a signed-in user;
/// someone removed from the group is a stranger to it again, and gets exactly what the stranger gets.
pub fn signed_in(stranger: Expect, blocked: Expect, member: Expect, admin: Expect, owner: Expect) -> [Expect; 9] {
    [UNAUTHENTICATED, UNAUTHENTICATED, UNAUTHENTICATED, stranger, stranger, blocked, member, admin, owner]
}

/// Any signed-in user gets the same answer (routes about the caller themselves).
pub fn anyone_signed_in(expect: Expect) -> [Expect; 9] {
    signed_in(expect, expect, expect, expect, expect)
}

/// Routes of one chat: its members get `member`, a non-member 404 (it does not exist for them).
pub fn group_members(member: Expect) -> [Expect; 9] {
    signed_in(NOT_FOUND, member, member, member, member)
}

/// The request one cell sends, made for that cell's actor.
pub struct Req {
    /// The concrete path, with its query.
    pub path: String,
    pub body: Body,
    /// A fresh device of the actor's instead of their usual token (rows that end the caller's session).
    pub token: Option<String>,
    /// What a refused (or no-op) request must have left as it was.
    pub survives: Option<Survives>,
}

/// A target that must still be there after the cell: `who` reads `path` and finds `holds` in it.
/// Checked when the cell is a refusal, or always when `always` (requests answered alike whether
/// or not they did anything, so only the target can tell).
pub struct Survives {
    pub who: Actor,
    pub path: String,
    pub holds: String,
    pub always: bool,
}

pub enum Body {
    None,
    Json(serde_json::Value),
    /// A multipart upload of these image bytes.
    Image(Vec<u8>),
}

impl Req {
    pub fn to(path: impl Into<String>) -> Req {
        Req { path: path.into(), body: Body::None, token: None, survives: None }
    }

    pub fn json(path: impl Into<String>, body: serde_json::Value) -> Req {
        Req { body: Body::Json(body), ..Req::to(path) }
    }

    /// After a refusal, `who` still finds `holds` at `path`.
    pub fn survives(mut self, who: Actor, path: impl Into<String>, holds: impl Into<String>) -> Req {
        self.survives = Some(Survives { who, path: path.into(), holds: holds.into(), always: false });
        self
    }

    /// The same check after any answer.
    pub fn always(mut self) -> Req {
        if let Some(s) = &mut self.survives {
            s.always = true;
        }
        self
    }
}

pub type Fresh =
    for<'a> fn(&'a crate::helpers::TestApp, &'a world::World, Actor) -> futures::future::LocalBoxFuture<'a, Req>;

/// How a row makes its request: from the shared world, or with a fresh target per cell.
pub enum Prep {
    Shared(fn(&world::World, Actor) -> Req),
    Fresh(Fresh),
}

/// One route (or one case of a route) and what each actor gets from it.
pub struct Row {
    pub method: &'static str,
    /// The template exactly as `api_routes()` names it.
    pub path: &'static str,
    /// Which case of the route, when a route has several rows ("" for its main row).
    pub case: &'static str,
    pub prep: Prep,
    /// In `ACTORS` order.
    pub expect: [Expect; 9],
}

pub fn row(method: &'static str, path: &'static str, prep: Prep, expect: [Expect; 9]) -> Row {
    Row { method, path, case: "", prep, expect }
}

impl Row {
    pub fn case(mut self, case: &'static str) -> Row {
        self.case = case;
        self
    }
}

/// Every row of the public API's tables.
pub fn api_rows() -> Vec<Row> {
    let mut rows = table_chats::rows();
    rows.extend(table_messages::rows());
    rows.extend(table_rest::rows());
    rows
}

/// Every row the route matrix runs: the public API and the pages' server functions.
pub fn all_rows() -> Vec<Row> {
    let mut rows = api_rows();
    rows.extend(table_pages::rows());
    rows
}
