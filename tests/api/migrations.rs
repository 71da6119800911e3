//! The schema migrates down and up again on this backend, and its full-text index
//! finds live messages and forgets deleted ones.
use crate::helpers::spawn_app;
use chrono::Utc;
use migration::{Migrator, MigratorTrait};
use parlor::platform::entity::{chat, message, user};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, Set, Statement};
use uuid::Uuid;

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn matches(db: &DatabaseConnection, word: &str) -> i64 {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            count(db, &format!("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"{word}\"'")).await
        }
        _ => {
            count(db, &format!("SELECT count(*) FROM messages WHERE search @@ plainto_tsquery('simple', '{word}')"))
                .await
        }
    }
}

#[tokio::test]
async fn migrations_roll_back_and_apply_again_with_a_working_search_index() {
    let app = spawn_app().await;
    let db = sea_orm::Database::connect(&app.database_url).await.unwrap();
    Migrator::down(&db, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().len() >= 3);
    Migrator::up(&db, None).await.unwrap();
    assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());

    let now = Utc::now();
    let author = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set("Searcher".into()),
        username_lower: Set("searcher".into()),
        password_hash: Set("x".into()),
        display_name: Set("Searcher".into()),
        avatar_media_id: Set(None),
        status: Set("offline".into()),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap();
    let room = chat::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(parlor::chats::model::ChatKind::Group),
        name: Set(Some("Room".into())),
        slug: Set(Some("room".into())),
        direct_key: Set(None),
        avatar_media_id: Set(None),
        owner_id: Set(Some(author.id)),
        last_seq: Set(1),
        last_activity_at: Set(now),
        created_at: Set(now),
        deleted_at: Set(None),
    }
    .insert(&db)
    .await
    .unwrap();
    let posted = message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(room.id),
        seq: Set(1),
        sender_id: Set(author.id),
        client_id: Set("c1".into()),
        content: Set("Hello wonderful world".into()),
        reply_to_id: Set(None),
        edited_at: Set(None),
        deleted_at: Set(None),
        created_at: Set(now),
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(matches(&db, "wonderful").await, 1);
    assert_eq!(matches(&db, "absent").await, 0);

    // The same client id from the same sender is refused: sending is idempotent by design.
    let duplicate = message::ActiveModel {
        id: Set(Uuid::now_v7()),
        chat_id: Set(room.id),
        seq: Set(2),
        sender_id: Set(author.id),
        client_id: Set("c1".into()),
        content: Set("again".into()),
        reply_to_id: Set(None),
        edited_at: Set(None),
        deleted_at: Set(None),
        created_at: Set(now),
    }
    .insert(&db)
    .await;
    assert!(duplicate.is_err());

    let mut deleted: message::ActiveModel = posted.into();
    deleted.content = Set(String::new());
    deleted.deleted_at = Set(Some(now));
    deleted.update(&db).await.unwrap();
    assert_eq!(matches(&db, "wonderful").await, 0);
}
