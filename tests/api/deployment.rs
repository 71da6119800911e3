//! The deployment files (compose.yaml, k8s/, deploy/nginx.conf, Dockerfile, .env.example) stay
//! true to the app: only settings it really reads, the right probes, three replicas, no secret
//! in clear. No YAML crate: a few line-based helpers read the small subset these files use.
use clap::CommandFactory;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Settings whose values must never be written in the repository.
const SECRETS: [&str; 5] =
    ["COOKIE_SECRET", "JWT_SECRET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "VAPID_PRIVATE_KEY"];

/// What every clustered deployment must give the app.
const SCALE_OUT: [&str; 10] = [
    "IP",
    "PORT",
    "PUBLIC_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "S3_BUCKET",
    "COOKIE_SECRET",
    "JWT_SECRET",
    "S3_SECRET_ACCESS_KEY",
    "VAPID_PRIVATE_KEY",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The environment variables the server reads: one per setting.
fn settings() -> BTreeSet<String> {
    parlor::platform::config::Settings::command()
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect()
}

/// One meaningful YAML line: its indentation and its text without a trailing comment.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

fn yaml_lines(src: &str) -> Vec<Line<'_>> {
    src.lines()
        .filter_map(|raw| {
            let text = raw.trim_start();
            let text = match text.find(" #") {
                Some(i) => &text[..i],
                None => text,
            }
            .trim_end();
            (!text.is_empty() && !text.starts_with('#'))
                .then(|| Line { indent: raw.len() - raw.trim_start().len(), text })
        })
        .collect()
}

/// The lines under the first line that `opens` matches (more indented than it).
fn block<'a>(lines: &[Line<'a>], opens: impl Fn(&str) -> bool) -> Vec<Line<'a>> {
    let Some(start) = lines.iter().position(|l| opens(l.text)) else { return Vec::new() };
    let indent = lines[start].indent;
    lines[start + 1..].iter().take_while(|l| l.indent > indent).copied().collect()
}

fn key_block<'a>(lines: &[Line<'a>], key: &str) -> Vec<Line<'a>> {
    block(lines, |t| t == format!("{key}:") || t.starts_with(&format!("{key}: ")))
}

/// `key: value` pairs at the top level of a block; `- KEY=value` list items count too.
fn entries(lines: &[Line<'_>]) -> Vec<(String, String)> {
    let Some(indent) = lines.iter().map(|l| l.indent).min() else { return Vec::new() };
    lines
        .iter()
        .filter(|l| l.indent == indent)
        .filter_map(|l| match l.text.strip_prefix("- ") {
            Some(item) => item.split_once('='),
            None => l.text.split_once(':'),
        })
        .map(|(k, v)| (k.trim().to_owned(), unquote(v.trim()).to_owned()))
        .collect()
}

fn unquote(value: &str) -> &str {
    value.trim_matches('"').trim_matches('\'')
}

/// `${NAME}`, `${NAME:?message}` or `${NAME:-default}`: taken from the environment or `.env`.
fn is_reference(value: &str) -> bool {
    value.starts_with("${") && value.ends_with('}') && value[2..].find('}') == Some(value.len() - 3)
}

/// A compose service's settings: an `environment:` map, list, or `*anchor` to an `x-` map.
fn compose_environment(all: &[Line<'_>], service: &[Line<'_>]) -> Vec<(String, String)> {
    let Some(opening) = service.iter().find(|l| l.text.starts_with("environment:")) else { return Vec::new() };
    match opening.text.trim_start_matches("environment:").trim().strip_prefix('*') {
        Some(anchor) => entries(&block(all, |t| t.ends_with(&format!("&{anchor}")))),
        None => entries(&key_block(service, "environment")),
    }
}

/// A block's top-level keys, each with the lines under it.
fn children<'a>(lines: &[Line<'a>]) -> Vec<(String, Vec<Line<'a>>)> {
    let Some(indent) = lines.iter().map(|l| l.indent).min() else { return Vec::new() };
    let mut out: Vec<(String, Vec<Line<'a>>)> = Vec::new();
    for line in lines {
        if line.indent == indent {
            out.push((line.text.split(':').next().unwrap_or_default().to_owned(), Vec::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push(*line);
        }
    }
    out
}

fn compose_service<'a>(lines: &[Line<'a>], name: &str) -> Vec<Line<'a>> {
    let services = children(&key_block(lines, "services"));
    services
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("compose.yaml has a service {name}"))
}

/// The services of compose.yaml that run the Parlor image, by name.
fn compose_app_services<'a>(lines: &[Line<'a>]) -> Vec<(String, Vec<Line<'a>>)> {
    children(&key_block(lines, "services"))
        .into_iter()
        .filter(|(_, body)| body.iter().any(|l| l.text.starts_with("build:") || l.text.starts_with("image: parlor")))
        .collect()
}

#[test]
fn compose_gives_the_app_only_real_settings_and_every_one_it_needs_to_scale_out() {
    let known = settings();
    let src = read("compose.yaml");
    let lines = yaml_lines(&src);
    let apps = compose_app_services(&lines);
    assert!(apps.iter().any(|(name, _)| name == "app"), "compose.yaml has an `app` service");
    for (name, body) in &apps {
        let env = compose_environment(&lines, body);
        let names: BTreeSet<String> = env.iter().map(|(k, _)| k.clone()).collect();
        let unknown: Vec<_> = names.difference(&known).collect();
        assert!(unknown.is_empty(), "service {name} sets {unknown:?}, which the server does not read");
        for needed in SCALE_OUT.iter().chain(["S3_ENDPOINT", "S3_ACCESS_KEY_ID"].iter()) {
            assert!(names.contains(*needed), "service {name} lacks {needed}");
        }
    }
}

#[test]
fn compose_runs_three_ready_checked_replicas_after_their_dependencies() {
    let src = read("compose.yaml");
    let lines = yaml_lines(&src);
    let app = compose_service(&lines, "app");
    assert!(key_block(&app, "deploy").iter().any(|l| l.text == "replicas: 3"), "app has deploy.replicas: 3");
    let check = key_block(&app, "healthcheck");
    assert!(
        check.iter().any(|l| l.text.starts_with("test:") && l.text.contains("/health/ready")),
        "app is checked on /health/ready"
    );
    for dependency in ["postgres", "redis", "minio"] {
        let body = compose_service(&lines, dependency);
        assert!(!key_block(&body, "healthcheck").is_empty(), "{dependency} has a healthcheck");
    }
    assert!(lines.iter().filter(|l| l.text == "condition: service_healthy").count() >= 3);
}

#[test]
fn compose_and_env_example_hold_no_secret_in_clear() {
    let src = read("compose.yaml");
    let lines = yaml_lines(&src);
    for (key, value) in lines.iter().filter_map(|l| l.text.split_once(": ")) {
        let key = key.trim();
        if SECRETS.contains(&key) || key.contains("PASSWORD") || key.contains("SECRET") {
            assert!(
                is_reference(unquote(value.trim())),
                "{key} in compose.yaml must be a ${{...}} reference, not {value}"
            );
        }
        if key == "DATABASE_URL"
            && let Some((credentials, _)) = value.split_once("://").and_then(|(_, rest)| rest.rsplit_once('@'))
        {
            let password = credentials.split_once(':').map(|(_, p)| p).unwrap_or("");
            assert!(password.is_empty() || is_reference(password), "the password in DATABASE_URL is a reference");
        }
    }
    for line in read(".env.example").lines().filter(|l| !l.starts_with('#')) {
        if let Some((key, value)) = line.split_once('=')
            && (SECRETS.contains(&key) || key.contains("PASSWORD"))
        {
            assert!(value.is_empty(), ".env.example leaves {key} empty");
        }
    }
}

/// Every YAML document of every file under k8s/, with the file it came from.
fn k8s_documents() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("k8s"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "k8s/ has manifests");
    files
        .into_iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            text.split("\n---").map(|doc| (path.clone(), doc.to_owned())).collect::<Vec<_>>()
        })
        .collect()
}

fn top_level<'a>(lines: &[Line<'a>], key: &str) -> Option<&'a str> {
    lines
        .iter()
        .find(|l| l.indent == 0 && l.text.starts_with(&format!("{key}:")))
        .map(|l| l.text[key.len() + 1..].trim())
}

fn find_document(kind: &str, name: &str) -> String {
    k8s_documents()
        .into_iter()
        .map(|(_, doc)| doc)
        .find(|doc| {
            let lines = yaml_lines(doc);
            top_level(&lines, "kind") == Some(kind)
                && entries(&key_block(&lines, "metadata")).contains(&("name".into(), name.into()))
        })
        .unwrap_or_else(|| panic!("k8s/ has a {kind} named {name}"))
}

/// The app container's `env:` items: each name with the lines that give its value.
fn k8s_env(deployment: &[Line<'_>]) -> Vec<(String, Vec<String>)> {
    let env = key_block(deployment, "env");
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    for line in &env {
        match line.text.strip_prefix("- name: ") {
            Some(name) => items.push((name.trim().to_owned(), Vec::new())),
            None => items.last_mut().unwrap().1.push(line.text.to_owned()),
        }
    }
    items
}

#[test]
fn kubernetes_gives_the_app_only_real_settings_and_secrets_only_from_a_secret() {
    let known = settings();
    let deployment = find_document("Deployment", "parlor");
    let lines = yaml_lines(&deployment);
    let env = k8s_env(&lines);
    let config_ref = entries(&block(&lines, |t| t == "- configMapRef:"));
    assert!(config_ref.contains(&("name".into(), "parlor-config".into())), "the app reads the ConfigMap parlor-config");
    let config_src = find_document("ConfigMap", "parlor-config");
    let config = yaml_lines(&config_src);
    let config_entries = entries(&key_block(&config, "data"));

    let names: BTreeSet<String> =
        env.iter().map(|(n, _)| n.clone()).chain(config_entries.iter().map(|(k, _)| k.clone())).collect();
    let unknown: Vec<_> = names.difference(&known).collect();
    assert!(unknown.is_empty(), "k8s/ gives the app {unknown:?}, which the server does not read");
    for needed in SCALE_OUT.iter().chain(["S3_ACCESS_KEY_ID"].iter()) {
        assert!(names.contains(*needed), "k8s/ does not give the app {needed}");
    }
    for secret in SECRETS.iter().chain(["DATABASE_URL"].iter()) {
        assert!(!config_entries.iter().any(|(k, _)| k == secret), "{secret} is not in the ConfigMap");
        let (_, how) = env.iter().find(|(n, _)| n == secret).unwrap_or_else(|| panic!("{secret} is in env"));
        assert!(
            how.iter().any(|l| l == "secretKeyRef:") && !how.iter().any(|l| l.starts_with("value:")),
            "{secret} comes from a Secret"
        );
    }
}

#[test]
fn kubernetes_secrets_in_the_repository_are_templates_without_values() {
    for (path, doc) in k8s_documents() {
        let lines = yaml_lines(&doc);
        if top_level(&lines, "kind") != Some("Secret") {
            continue;
        }
        for section in ["data", "stringData"] {
            for (key, value) in entries(&key_block(&lines, section)) {
                assert!(value.is_empty(), "{} gives {key} a value", path.display());
            }
        }
    }
    let kustomization = read("k8s/kustomization.yaml");
    assert!(!kustomization.contains("templates/"), "the Secret template is not applied");
}

#[test]
fn kubernetes_runs_three_probed_replicas_that_drain_before_stopping() {
    let deployment = find_document("Deployment", "parlor");
    let lines = yaml_lines(&deployment);
    let spec = entries(&key_block(&lines, "spec"));
    assert!(spec.contains(&("replicas".into(), "3".into())), "the Deployment asks for 3 replicas");
    let path = |probe: &str| {
        entries(&key_block(&key_block(&lines, probe), "httpGet")).into_iter().find(|(k, _)| k == "path").map(|(_, v)| v)
    };
    assert_eq!(path("readinessProbe").as_deref(), Some("/health/ready"));
    assert_eq!(path("livenessProbe").as_deref(), Some("/health"));
    let grace = lines.iter().find_map(|l| l.text.strip_prefix("terminationGracePeriodSeconds: ")).unwrap();
    assert!(grace.parse::<u32>().unwrap() >= 30);
    assert!(
        !key_block(&key_block(&lines, "lifecycle"), "preStop").is_empty(),
        "a preStop pause lets the balancer stop first"
    );
    assert!(lines.iter().any(|l| l.text == "runAsNonRoot: true"));
    let hpa_src = find_document("HorizontalPodAutoscaler", "parlor");
    let hpa = yaml_lines(&hpa_src);
    assert!(hpa.iter().any(|l| l.text == "minReplicas: 3"));
}

#[test]
fn the_load_balancer_keeps_live_connections_open_and_takes_uploads() {
    let conf = read("deploy/nginx.conf");
    let location = |path: &str| {
        let start = conf
            .find(&format!("location = {path} {{"))
            .unwrap_or_else(|| panic!("nginx.conf has a location for {path}"));
        conf[start..start + conf[start..].find('}').unwrap()].to_owned()
    };
    assert!(
        conf.contains("proxy_set_header Upgrade $http_upgrade;")
            && conf.contains("proxy_set_header Connection $connection_upgrade;")
    );
    assert!(location("/api/events").contains("proxy_buffering off;"));
    for live in ["/api/ws", "/api/events"] {
        assert!(location(live).contains("proxy_read_timeout 3600s;"), "{live} stays open");
    }
    let size = conf.split("client_max_body_size ").nth(1).and_then(|s| s.split("m;").next()).unwrap();
    assert!(size.parse::<u32>().unwrap() >= 11, "10 MB images fit, with room for the form");
    for header in ["X-Forwarded-For", "X-Forwarded-Proto"] {
        assert!(conf.contains(&format!("proxy_set_header {header} ")), "nginx forwards {header}");
    }
    assert!(conf.contains("proxy_next_upstream "));
}

#[test]
fn the_image_builds_with_the_pinned_tools_and_sets_only_real_settings() {
    let dockerfile = read("Dockerfile").replace("\\\n", " ");
    let arg =
        |name: &str| dockerfile.lines().find_map(|l| l.strip_prefix(&format!("ARG {name}="))).map(str::trim).unwrap();
    let makefile = read("Makefile");
    let dx = makefile.lines().find_map(|l| l.strip_prefix("DX_VERSION := ")).unwrap();
    assert_eq!(arg("DX_VERSION"), dx.trim());
    let cargo = read("Cargo.toml");
    let bindgen = cargo.lines().find_map(|l| l.strip_prefix("wasm-bindgen = \"=")).unwrap().trim_end_matches('"');
    assert_eq!(arg("WASM_BINDGEN_VERSION"), bindgen);

    let runtime = dockerfile.rsplit("\nFROM ").next().unwrap();
    let known = settings();
    for line in runtime.lines().filter_map(|l| l.strip_prefix("ENV ")) {
        for name in line.split_whitespace().filter_map(|pair| pair.split_once('=')).map(|(k, _)| k) {
            assert!(known.contains(name), "the image sets {name}, which the server does not read");
        }
    }
    for needed in ["EXPOSE 8080", "STOPSIGNAL SIGTERM", "USER ", "HEALTHCHECK "] {
        assert!(runtime.contains(needed), "the runtime image has {needed}");
    }
    assert!(runtime.contains("/health"));
}
