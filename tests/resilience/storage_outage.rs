//! Fail fast on storage: images on a real S3-compatible server (moto, as `make api-s3` runs it;
//! `make setup-s3` installs it) behind the forwarder. While the bucket goes silent or refuses,
//! an upload and an image fetch answer 503 `storage_unavailable` within S3_TIMEOUT (5 s) + 2 s,
//! readiness says storage is down, and chatting goes on; once it is back, images work again.

use crate::cluster::{Cluster, Store, free_port, register};
use crate::failfast::{RECOVERY_WITHIN, answer, assert_not_ready, assert_unavailable, timed, wait_until_ready};
use crate::forwarder::{Forwarder, Mode};
use image::{DynamicImage, Rgb, RgbImage};
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

const STORAGE_WITHIN: Duration = Duration::from_secs(7);

/// moto's S3 server on its own port, stopped with the test.
struct Moto {
    port: u16,
    _child: Child,
}

impl Moto {
    async fn start() -> Moto {
        let path = std::env::var("PARLOR_TEST_MOTO")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/moto/bin/moto_server").to_owned());
        assert!(
            std::path::Path::new(&path).exists(),
            "no S3 test server at {path}: run `make setup-s3` (or set PARLOR_TEST_MOTO)"
        );
        let port = free_port();
        let child = Command::new(&path)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto starts");
        let started = tokio::time::Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(started.elapsed() < RECOVERY_WITHIN, "moto did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Moto { port, _child: child }
    }
}

fn png() -> Vec<u8> {
    let image = RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 120]));
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image).write_with_encoder(image::codecs::png::PngEncoder::new(&mut bytes)).unwrap();
    bytes
}

fn upload(base: &str, token: &str) -> reqwest::RequestBuilder {
    let part = reqwest::multipart::Part::bytes(png()).file_name("photo.png").mime_str("image/png").unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    reqwest::Client::new().post(format!("{base}/api/media")).bearer_auth(token).multipart(form)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn storage_that_goes_silent_or_refuses_gets_503_fast_and_comes_back() {
    let moto = Moto::start().await;
    let forwarder = Forwarder::start(([127, 0, 0, 1], moto.port).into()).await;
    let endpoint = format!("http://127.0.0.1:{}", forwarder.port);
    let bucket = format!("parlor-outage-{}", uuid::Uuid::now_v7().simple());
    let s3 = [
        ("S3_ENDPOINT", endpoint.as_str()),
        ("S3_BUCKET", &bucket),
        ("S3_ACCESS_KEY_ID", "test"),
        ("S3_SECRET_ACCESS_KEY", "test"),
    ];
    let cluster = Cluster::prepare(Store::Sqlite, None, &s3).await;
    let node = cluster.spawn(free_port()).await;
    let base = node.base.clone();
    let (_, token) = register(&base, "alice").await;
    let (bob, _) = register(&base, "bob").await;
    let client = reqwest::Client::new();
    let (status, chat) =
        answer(client.post(format!("{base}/api/chats/direct")).bearer_auth(&token).json(&json!({"userId": bob}))).await;
    assert_eq!(status, 201, "{chat}");
    let messages = format!("{base}/api/chats/{}/messages", chat["chat"]["id"].as_str().unwrap());
    let (status, media) = answer(upload(&base, &token)).await;
    assert_eq!(status, 201, "{media}");
    let thumbnail = format!("{base}/api/media/{}/thumbnail", media["id"].as_str().unwrap());
    let fetch = || reqwest::Client::new().get(&thumbnail).bearer_auth(&token);
    assert_eq!(fetch().send().await.unwrap().status(), 200);

    for mode in [Mode::BlackHole, Mode::Refuse] {
        forwarder.set(mode);
        let (uploaded, took_upload) = timed(answer(upload(&base, &token))).await;
        assert_unavailable(
            &format!("an upload with storage {mode:?}"),
            &uploaded,
            took_upload,
            STORAGE_WITHIN,
            "storage_unavailable",
        );
        let (fetched, took_fetch) = timed(answer(fetch())).await;
        assert_unavailable(
            &format!("an image fetch with storage {mode:?}"),
            &fetched,
            took_fetch,
            STORAGE_WITHIN,
            "storage_unavailable",
        );
        let ready = assert_not_ready(&base, "storage").await;
        // Text messages do not need the bucket.
        let text = json!({"content": "still chatting", "clientId": format!("text-{mode:?}")});
        let (sent, body) = answer(client.post(&messages).bearer_auth(&token).json(&text)).await;
        assert_eq!(sent, 201, "{body}");
        println!("storage {mode:?}: upload {took_upload:?}, fetch {took_fetch:?}, readiness {ready:?}");

        forwarder.set(Mode::Forward);
        let back = wait_until_ready(&base).await;
        assert_eq!(fetch().send().await.unwrap().status(), 200, "the image is served again");
        let (status, body) = answer(upload(&base, &token)).await;
        assert_eq!(status, 201, "uploads work again: {body}");
        println!("storage back from {mode:?}: ready after {back:?}");
    }
}
