//! Hostile uploads, in a test binary of their own so the peak memory it measures is this
//! server's and this test's alone. Runs on local disk, and on S3 with PARLOR_TEST_STORAGE=s3.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
mod hostile;
#[path = "../api/images.rs"]
#[allow(dead_code)]
mod images;

use helpers::{assert_error, spawn_app};
use serde_json::{Value, json};

/// Every hostile file gets a clear 4xx, nothing is stored, and memory stays bounded.
#[tokio::test]
async fn media_hostile_files_are_refused_with_bounded_memory() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let mut oversized = images::png(16, 16);
    oversized.resize(11 * 1024 * 1024, 7);
    let full = images::png(300, 300);
    let truncated = full[..full.len() / 3].to_vec();
    let corpus: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        ("60000x60000 header", hostile::png_huge_header(), "huge.png", 413, "image_too_large"),
        ("1.6 GB decompression bomb", hostile::png_bomb(), "bomb.png", 413, "image_too_large"),
        (
            "HTML named .png",
            b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
            "page.png",
            415,
            "unsupported_media_type",
        ),
        (
            "SVG named .png",
            br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(),
            "logo.png",
            415,
            "unsupported_media_type",
        ),
        ("11 MB file", oversized, "big.png", 413, "file_too_large"),
        ("empty file", Vec::new(), "empty.png", 400, "empty_file"),
        ("truncated PNG", truncated, "cut.png", 400, "invalid_image"),
        ("GIF with 3000 frames", hostile::gif(3000), "long.gif", 413, "animation_too_large"),
    ];
    for (name, bytes, file_name, status, code) in corpus {
        let size = bytes.len();
        let res = app.upload(&alice, bytes, file_name, "image/png").await;
        assert_eq!(res.status(), status, "{name} ({size} bytes)");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{name}");
        println!("hostile file: {name:<28} {size:>9} bytes -> {status} {code}");
    }
    // Not multipart at all, or no file in it.
    let json_body = app.post_bearer("/api/media", &alice, json!({"file": "x"})).await;
    assert_eq!(assert_error(json_body, 400).await, "invalid_multipart");
    let form = reqwest::multipart::Form::new().text("caption", "no file");
    let no_file = app.program().post(app.url("/api/media")).bearer_auth(&alice).multipart(form).send().await.unwrap();
    assert_eq!(assert_error(no_file, 400).await, "missing_file");

    // The server still works, kept no temporary files, and stored none of it.
    app.upload_ok(&alice, images::png(10, 10)).await;
    let leftovers = std::fs::read_dir(app.data_dir.join("tmp")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(leftovers, 0);
    let peak = hostile::peak_rss_mib();
    println!("peak resident memory of the test process: {peak} MiB");
    // The bomb alone would need 1.6 GB decoded; this process (test client and server) stays far below.
    assert!(peak < 256, "peak RSS {peak} MiB");
}
