//! Where image bytes live: files under DATA_DIR/media by default, or an S3-compatible bucket
//! (MinIO, AWS) when S3_BUCKET is set. Both behind one small interface; keys look like
//! `<id>/thumbnail.jpg` and never come from user input.

use super::config::S3Settings;
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use axum::body::Body;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An object ready to stream into a response.
pub struct Object {
    pub body: Body,
    pub len: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(String);

impl StorageError {
    fn of(e: impl std::fmt::Display) -> Self {
        Self(e.to_string())
    }
}

#[async_trait]
pub trait Storage: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), StorageError>;
    /// None when the object does not exist.
    async fn get(&self, key: &str) -> Result<Option<Object>, StorageError>;
    /// Deleting what is not there is not an error.
    async fn delete(&self, key: &str) -> Result<(), StorageError>;
    /// Whether the storage answers (for /health/ready).
    async fn check(&self) -> Result<(), StorageError>;
}

pub type SharedStorage = Arc<dyn Storage>;

/// Picks S3 when configured, local disk otherwise.
pub async fn connect(s3: Option<&S3Settings>, data_dir: &Path) -> anyhow::Result<SharedStorage> {
    match s3 {
        Some(s3) => Ok(Arc::new(S3Storage::connect(s3).await?)),
        None => Ok(Arc::new(DiskStorage::new(data_dir.join("media"))?)),
    }
}

pub struct DiskStorage {
    root: PathBuf,
}

impl DiskStorage {
    pub fn new(root: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
        Ok(Self { root })
    }

    fn path(&self, key: &str) -> Result<PathBuf, StorageError> {
        // Keys are made by the server, but a key must never climb out of the media folder.
        if key.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return Err(StorageError(format!("invalid key {key}")));
        }
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl Storage for DiskStorage {
    async fn put(&self, key: &str, bytes: Vec<u8>, _content_type: &str) -> Result<(), StorageError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(StorageError::of)?;
        }
        // Write then rename: a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes).await.map_err(StorageError::of)?;
        tokio::fs::rename(&partial, &path).await.map_err(StorageError::of)
    }

    async fn get(&self, key: &str) -> Result<Option<Object>, StorageError> {
        let path = self.path(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StorageError::of(e)),
        };
        let len = file.metadata().await.map_err(StorageError::of)?.len();
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
        Ok(Some(Object { body, len: Some(len) }))
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StorageError::of(e)),
        }
        // The per-media folder goes once it is empty; failing because it is not empty is fine.
        if let Some(parent) = path.parent()
            && parent != self.root
        {
            let _ = tokio::fs::remove_dir(parent).await;
        }
        Ok(())
    }

    async fn check(&self) -> Result<(), StorageError> {
        let meta = tokio::fs::metadata(&self.root).await.map_err(StorageError::of)?;
        if meta.is_dir() && !meta.permissions().readonly() {
            Ok(())
        } else {
            Err(StorageError("media folder is not writable".into()))
        }
    }
}

pub struct S3Storage {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Storage {
    /// Connects and makes sure the bucket exists (MinIO and test servers start empty).
    pub async fn connect(s3: &S3Settings) -> anyhow::Result<Self> {
        use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, timeout::TimeoutConfig};
        let credentials = Credentials::new(&s3.access_key_id, &s3.secret_access_key, None, None, "parlor-settings");
        // The SDK waits for an answer forever by default: a bucket that takes connections and
        // never replies would hold every image request (and the start) for good.
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(s3.timeout)
            .operation_attempt_timeout(s3.timeout)
            .operation_timeout(s3.timeout)
            .build();
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(s3.region.clone()))
            .credentials_provider(credentials)
            .timeout_config(timeouts)
            .force_path_style(s3.path_style);
        if let Some(endpoint) = &s3.endpoint {
            config = config.endpoint_url(endpoint);
        }
        let storage = Self { client: aws_sdk_s3::Client::from_conf(config.build()), bucket: s3.bucket.clone() };
        if storage.client.head_bucket().bucket(&storage.bucket).send().await.is_err() {
            let created = storage.client.create_bucket().bucket(&storage.bucket).send().await;
            // Another instance starting at the same moment may have created it first.
            if created.is_err() && storage.client.head_bucket().bucket(&storage.bucket).send().await.is_err() {
                created.with_context(|| format!("creating S3 bucket {}", storage.bucket))?;
            }
        }
        Ok(storage)
    }
}

#[async_trait]
impl Storage for S3Storage {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| StorageError::of(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Object>, StorageError> {
        let result = self.client.get_object().bucket(&self.bucket).key(key).send().await;
        let output = match result {
            Ok(output) => output,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(StorageError::of(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        let len = output.content_length().and_then(|n| u64::try_from(n).ok());
        let stream = tokio_util::io::ReaderStream::new(output.body.into_async_read());
        Ok(Some(Object { body: Body::from_stream(stream), len }))
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| StorageError::of(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn check(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| StorageError::of(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn disk_storage_round_trips_and_refuses_escaping_keys() {
        let dir = std::env::temp_dir().join(format!("parlor-storage-{}", uuid::Uuid::now_v7()));
        let storage = DiskStorage::new(dir.clone()).unwrap();
        storage.put("media/a/thumb.jpg", b"jpeg".to_vec(), "image/jpeg").await.unwrap();
        let object = storage.get("media/a/thumb.jpg").await.unwrap().unwrap();
        assert_eq!(object.len, Some(4));
        storage.delete("media/a/thumb.jpg").await.unwrap();
        assert!(storage.get("media/a/thumb.jpg").await.unwrap().is_none());
        storage.delete("media/a/thumb.jpg").await.unwrap();
        assert!(storage.put("../escape", vec![1], "image/png").await.is_err());
        assert!(storage.get("media//x").await.is_err());
        storage.check().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }
}
