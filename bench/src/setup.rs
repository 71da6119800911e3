//! Users and chats, made through the public HTTP API as any client would.

use crate::net::Net;
use crate::users_file::unix_now;
use anyhow::{Context, anyhow, bail};
use futures_util::{StreamExt, stream};
use indicatif::ProgressBar;
use serde::Deserialize;
use serde_json::{Value, json};

pub const PASSWORD: &str = "chat-bench-password";

/// A signed-in user and the instance it uses.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub token: String,
    pub instance: usize,
}

#[derive(Debug, Clone)]
pub struct Chat {
    pub id: String,
    pub members: Vec<usize>,
    pub group: bool,
}

/// What a refused request said, for errors and error counts: `http 409 username_taken`.
pub async fn refusal(res: reqwest::Response) -> String {
    let status = res.status().as_u16();
    let code =
        res.json::<Value>().await.ok().and_then(|v| v["error"]["code"].as_str().map(str::to_owned)).unwrap_or_default();
    if status == 429 {
        return format!(
            "http 429 {code} (rate limited: start the server with LIMIT_MESSAGES_PER_SECOND=0 LIMIT_API_PER_MINUTE=0 LIMIT_ANON_PER_MINUTE=0 LIMIT_LOGIN_FAILURES=0)"
        );
    }
    format!("http {status} {code}").trim_end().to_owned()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginResponse {
    access_token: String,
    /// Seconds the access token stays valid.
    #[serde(default)]
    expires_in: u64,
    user: IdOnly,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
struct ChatResponse {
    chat: IdOnly,
}

/// A user just signed in, and when its access token expires (Unix seconds).
pub struct SignedIn {
    pub index: usize,
    pub user: User,
    pub expires_at: u64,
}

/// Registers (an existing name is fine: a rerun with the same prefix) and signs in one user.
async fn user(http: &reqwest::Client, base: &str, username: &str, instance: usize) -> anyhow::Result<(User, u64)> {
    let body = json!({"username": username, "password": PASSWORD});
    let res = http
        .post(format!("{base}/api/auth/register"))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("registering {username}"))?;
    if !(res.status() == 201 || res.status() == 409) {
        bail!("registering {username}: {}", refusal(res).await);
    }
    // The token's lifetime counts from before the request: the saved expiry errs early.
    let asked_at = unix_now();
    let res = http
        .post(format!("{base}/api/auth/login"))
        .json(&body)
        .send()
        .await
        .with_context(|| format!("signing in {username}"))?;
    if res.status() != 200 {
        bail!("signing in {username}: {}", refusal(res).await);
    }
    let login: LoginResponse = res.json().await.with_context(|| format!("reading the sign-in of {username}"))?;
    Ok((User { id: login.user.id, token: login.access_token, instance }, asked_at + login.expires_in))
}

/// Registers and signs in the users numbered `todo` (named `{prefix}{i}`), `concurrency` at a
/// time; user i uses instance `instance(i)`.
pub async fn sign_in(
    net: &Net,
    bases: &[String],
    prefix: &str,
    todo: Vec<usize>,
    concurrency: usize,
    instance: impl Fn(usize) -> usize,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<SignedIn>> {
    let jobs = todo.into_iter().map(|i| {
        let at = instance(i);
        let base = bases[at].clone();
        async move {
            let out = user(net.http(i), &base, &format!("{prefix}{i}"), at).await;
            bar.inc(1);
            out.map(|(user, expires_at)| SignedIn { index: i, user, expires_at })
        }
    });
    let mut results: Vec<SignedIn> = stream::iter(jobs)
        .buffer_unordered(concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    results.sort_by_key(|s| s.index);
    Ok(results)
}

/// Whether the server takes this user's token (one cheap request, no password hashing).
pub async fn token_works(http: &reqwest::Client, base: &str, user: &User) -> anyhow::Result<bool> {
    let res = http
        .get(format!("{base}/api/users/me"))
        .bearer_auth(&user.token)
        .send()
        .await
        .with_context(|| format!("{base} does not answer"))?;
    match res.status().as_u16() {
        200 => Ok(true),
        401 | 403 | 404 => Ok(false),
        _ => bail!("checking a saved token: {}", refusal(res).await),
    }
}

/// The chats to make: disjoint pairs (0,1), (2,3)…; then groups of consecutive users, wrapping.
pub fn shapes(users: usize, pairs: usize, groups: usize, group_size: usize) -> Vec<(Vec<usize>, bool)> {
    let mut out: Vec<(Vec<usize>, bool)> = (0..pairs).map(|k| (vec![2 * k, 2 * k + 1], false)).collect();
    for g in 0..groups {
        let first = g * group_size;
        out.push(((0..group_size).map(|j| (first + j) % users).collect(), true));
    }
    out
}

/// Creates the chats: the first member creates each one, on its own instance.
pub async fn chats(
    net: &Net,
    bases: &[String],
    users: &[User],
    shapes: Vec<(Vec<usize>, bool)>,
    concurrency: usize,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<Chat>> {
    let jobs = shapes.into_iter().enumerate().map(|(n, (members, group))| async move {
        let out = create_chat(net, bases, users, n, members, group).await;
        bar.inc(1);
        (n, out)
    });
    let mut results: Vec<(usize, anyhow::Result<Chat>)> =
        stream::iter(jobs).buffer_unordered(concurrency).collect().await;
    results.sort_by_key(|(n, _)| *n);
    results.into_iter().map(|(_, r)| r).collect()
}

async fn create_chat(
    net: &Net,
    bases: &[String],
    users: &[User],
    n: usize,
    members: Vec<usize>,
    group: bool,
) -> anyhow::Result<Chat> {
    let first = *members.first().ok_or_else(|| anyhow!("chat {n} has no members"))?;
    let owner = users.get(first).ok_or_else(|| anyhow!("chat {n} has no members"))?;
    let http = net.http(first);
    let others: Vec<&str> = members.iter().skip(1).filter_map(|&m| users.get(m)).map(|u| u.id.as_str()).collect();
    let base = &bases[owner.instance];
    let req = if group {
        http.post(format!("{base}/api/chats/group"))
            .json(&json!({"name": format!("bench group {n}"), "participantIds": others}))
    } else {
        let other = others.first().ok_or_else(|| anyhow!("direct chat {n} needs two members"))?;
        http.post(format!("{base}/api/chats/direct")).json(&json!({"userId": other}))
    };
    let res = req.bearer_auth(&owner.token).send().await.with_context(|| format!("creating chat {n}"))?;
    if !(res.status() == 201 || res.status() == 200) {
        bail!("creating chat {n}: {}", refusal(res).await);
    }
    let chat: ChatResponse = res.json().await.with_context(|| format!("reading chat {n}"))?;
    Ok(Chat { id: chat.chat.id, members, group })
}

#[derive(Deserialize)]
struct Page {
    messages: Vec<SeqOnly>,
}

#[derive(Deserialize)]
struct SeqOnly {
    seq: i64,
}

/// The newest seq of every chat, as the database has it (0 when empty), asked by each chat's first member.
pub async fn latest_seqs(
    net: &Net,
    bases: &[String],
    users: &[User],
    chats: &[Chat],
    concurrency: usize,
) -> anyhow::Result<Vec<i64>> {
    let jobs = chats.iter().map(|chat| async move {
        let first = *chat.members.first().ok_or_else(|| anyhow!("chat without members"))?;
        let owner = users.get(first).ok_or_else(|| anyhow!("chat without members"))?;
        let base = &bases[owner.instance];
        let res = net
            .http(first)
            .get(format!("{base}/api/chats/{}/messages?limit=1", chat.id))
            .bearer_auth(&owner.token)
            .send()
            .await
            .context("reading a chat's newest message")?;
        if res.status() != 200 {
            bail!("reading the newest message of chat {}: {}", chat.id, refusal(res).await);
        }
        let page: Page = res.json().await.context("reading a page of messages")?;
        Ok::<i64, anyhow::Error>(page.messages.iter().map(|m| m.seq).max().unwrap_or(0))
    });
    stream::iter(jobs).buffered(concurrency).collect::<Vec<_>>().await.into_iter().collect()
}

/// Deletes the groups of this run (their creators own them), so that users kept in a users
/// file do not pile up groups run after run (the server allows 100 per user). Returns the
/// failures by kind.
pub async fn delete_groups(
    net: &Net,
    bases: &[String],
    users: &[User],
    chats: &[Chat],
    concurrency: usize,
) -> Vec<String> {
    let jobs = chats.iter().filter(|c| c.group).map(|chat| async move {
        let first = *chat.members.first()?;
        let owner = users.get(first)?;
        let res = net
            .http(first)
            .delete(format!("{}/api/chats/{}", bases[owner.instance], chat.id))
            .bearer_auth(&owner.token)
            .send()
            .await;
        match res {
            Ok(res) if res.status().is_success() => None,
            Ok(res) => Some(format!("cleanup: deleting a group: {}", refusal(res).await)),
            Err(_) => Some("cleanup: deleting a group: http error".to_owned()),
        }
    });
    stream::iter(jobs).buffer_unordered(concurrency).filter_map(|e| async move { e }).collect().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_disjoint_and_groups_wrap() {
        let s = shapes(10, 2, 2, 6);
        assert_eq!(s[0], (vec![0, 1], false));
        assert_eq!(s[1], (vec![2, 3], false));
        assert_eq!(s[2], (vec![0, 1, 2, 3, 4, 5], true));
        assert_eq!(s[3], (vec![6, 7, 8, 9, 0, 1], true));
    }
}
