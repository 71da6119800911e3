//! Sends push requests (RFC 8030): the payload encrypted for one browser (RFC 8291,
//! aes128gcm) with a VAPID signature, over HTTPS with a timeout, a bounded number at once.
//! Push service hosts are resolved to public addresses only (unless PUSH_ALLOW_HTTP), and
//! redirects are not followed, so a subscription cannot point the server into its network.

use super::vapid::Vapid;
use crate::platform::config::Settings;
use crate::platform::entity::push_subscription;
use crate::platform::webpush::subscription::{check_endpoint, decode_b64url, is_public};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

/// How long the push service keeps a notification for an offline browser.
const TTL: Duration = Duration::from_secs(24 * 3600);
const TIMEOUT: Duration = Duration::from_secs(10);
/// Push requests in flight at once, per instance.
const CONCURRENT_REQUESTS: usize = 16;
/// Messages waiting to be announced, per instance; past this, notifications are dropped.
const PENDING_MESSAGES: usize = 1024;

/// What the push service said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// 404 or 410: the subscription is gone for good.
    Gone,
    Failed,
}

pub struct Pusher {
    vapid: Vapid,
    client: reqwest::Client,
    allow_http: bool,
    requests: Arc<Semaphore>,
    pending: Arc<Semaphore>,
}

impl Pusher {
    pub fn new(settings: &Settings, vapid_key: &[u8]) -> anyhow::Result<Self> {
        let vapid = Vapid::new(vapid_key, settings.push_subject())?;
        let mut client = reqwest::Client::builder().timeout(TIMEOUT).redirect(reqwest::redirect::Policy::none());
        if !settings.push_allow_http {
            client = client.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            vapid,
            client: client.build()?,
            allow_http: settings.push_allow_http,
            requests: Arc::new(Semaphore::new(CONCURRENT_REQUESTS)),
            pending: Arc::new(Semaphore::new(PENDING_MESSAGES)),
        })
    }

    /// The application server key browsers subscribe with.
    pub fn public_key(&self) -> &str {
        self.vapid.public_key()
    }

    pub fn allow_http(&self) -> bool {
        self.allow_http
    }

    /// A place in the queue of messages to announce, or None when it is full.
    pub fn reserve(&self) -> Option<OwnedSemaphorePermit> {
        self.pending.clone().try_acquire_owned().ok()
    }

    /// Sends one encrypted payload to one subscription; never fails, only reports.
    pub async fn deliver(&self, subscription: &push_subscription::Model, payload: &[u8]) -> Outcome {
        let Ok(_permit) = self.requests.acquire().await else { return Outcome::Failed };
        match self.try_deliver(subscription, payload).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), subscription = %subscription.id, "push request failed");
                Outcome::Failed
            }
        }
    }

    async fn try_deliver(&self, subscription: &push_subscription::Model, payload: &[u8]) -> anyhow::Result<Outcome> {
        // Checked again: the rules may be stricter now than when it was stored.
        let endpoint =
            check_endpoint(&subscription.endpoint, self.allow_http).map_err(|e| anyhow::anyhow!(e.message))?;
        let key = decode_b64url(&subscription.p256dh)
            .and_then(|b| PublicKey::from_sec1_bytes(&b).ok())
            .ok_or_else(|| anyhow::anyhow!("stored key unreadable"))?;
        let auth: [u8; 16] = decode_b64url(&subscription.auth)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| anyhow::anyhow!("stored auth unreadable"))?;
        let request = WebPushBuilder::new(endpoint.clone(), key, Auth::from(auth))
            .with_valid_duration(TTL)
            .build(payload.to_vec())
            .map_err(|e| anyhow::anyhow!("encrypting: {e}"))?;
        let (parts, body) = request.into_parts();
        let response = self
            .client
            .post(&subscription.endpoint)
            .headers(parts.headers)
            .header("Authorization", self.vapid.authorization(&endpoint)?)
            .header("Urgency", "high")
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok(match status {
            200..=299 => Outcome::Sent,
            404 | 410 => Outcome::Gone,
            _ => {
                let detail: String = response.text().await.unwrap_or_default().chars().take(200).collect();
                tracing::warn!(status, detail, subscription = %subscription.id, "the push service refused a notification");
                Outcome::Failed
            }
        })
    }
}

/// Resolves push service names to public addresses only.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| is_public(a.ip())).collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(found.into_iter()) as reqwest::dns::Addrs)
        })
    }
}
