//! The search query, one per backend. SQLite: FTS5 with a trigram index for words of three
//! or more characters and the word index (as prefixes) for shorter ones. PostgreSQL: pg_trgm
//! over the stored case- and accent-folded text. Both see only live messages of chats the
//! user is in.

use crate::platform::entity::message;
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, Statement, Value};
use uuid::Uuid;

/// Who searches, and in which chat (all of theirs when None).
pub struct Scope {
    pub user_id: Uuid,
    pub chat_id: Option<Uuid>,
}

const COLUMNS: &str = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.content, m.reply_to_id, m.edited_at, m.deleted_at, m.created_at";

/// Up to `limit` messages where every term occurs, most relevant first, then newest first.
pub async fn find_matches(
    db: &impl ConnectionTrait,
    scope: &Scope,
    text: &str,
    terms: &[String],
    limit: u64,
) -> Result<Vec<message::Model>, DbErr> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let statement = match db.get_database_backend() {
        DatabaseBackend::Postgres => postgres(scope, text, terms, limit),
        _ => match sqlite(scope, terms, limit) {
            Some(statement) => statement,
            None => return Ok(Vec::new()),
        },
    };
    message::Entity::find().from_raw_sql(statement).all(db).await
}

/// None when no term can match anything (only punctuation in words under three characters).
fn sqlite(scope: &Scope, terms: &[String], limit: i64) -> Option<Statement> {
    let long: Vec<String> = terms.iter().filter(|t| t.chars().count() >= 3).map(|t| phrase(t)).collect();
    let short: Vec<String> = terms.iter().filter(|t| t.chars().count() < 3).filter_map(|t| word_prefix(t)).collect();
    let (index, first, rest) = match (long.is_empty(), short.is_empty()) {
        (true, true) => return None,
        (true, false) => ("messages_fts", short.join(" "), None),
        (false, true) => ("messages_trgm", long.join(" "), None),
        (false, false) => ("messages_trgm", long.join(" "), Some(short.join(" "))),
    };
    // CROSS JOIN keeps the index as the outer loop: otherwise SQLite may walk every message
    // and run the full-text query once per row (seconds on 50,000 messages).
    let mut sql = format!(
        "SELECT {COLUMNS} FROM {index} CROSS JOIN messages m ON m.rowid = {index}.rowid \
         JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = ? AND cm.left_at IS NULL \
         JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
         WHERE {index} MATCH ? AND m.deleted_at IS NULL"
    );
    let mut values: Vec<Value> = vec![scope.user_id.into(), first.into()];
    if let Some(short) = rest {
        sql.push_str(" AND m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)");
        values.push(short.into());
    }
    if let Some(chat_id) = scope.chat_id {
        sql.push_str(" AND m.chat_id = ?");
        values.push(chat_id.into());
    }
    sql.push_str(&format!(" ORDER BY bm25({index}), m.created_at DESC, m.id DESC LIMIT ?"));
    values.push(limit.into());
    Some(Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values))
}

/// An FTS5 string literal: the term is matched as written, whatever operators it contains.
fn phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A prefix query on the word index, from the letters and digits of a short term.
fn word_prefix(term: &str) -> Option<String> {
    let word: String = term.chars().filter(|c| c.is_alphanumeric()).collect();
    (!word.is_empty()).then(|| format!("\"{word}\"*"))
}

/// Relevance adds up how often each term occurs, a bonus for whole words (ts_rank) and how
/// much of the message the query is (short messages that are mostly the query come first).
/// word_similarity ranked a little better but cost 12 µs per matching row: 260 ms for a word
/// in 20,000 messages.
fn postgres(scope: &Scope, text: &str, terms: &[String], limit: i64) -> Statement {
    const FOLDED: &str = "m.search_text";
    let mut values: Vec<Value> = vec![scope.user_id.into(), text.into()];
    let mut filters = String::new();
    let mut score = format!(
        "ts_rank(m.search, plainto_tsquery('simple', $2)) + length(parlor_fold($2))::real / greatest(length({FOLDED}), 1)"
    );
    for term in terms {
        values.push(term.as_str().into());
        let n = values.len();
        // The term is folded like the content, then its LIKE wildcards are escaped.
        let pattern = format!(r"replace(replace(replace(parlor_fold(${n}), '\', '\\'), '%', '\%'), '_', '\_')");
        filters.push_str(&format!(" AND {FOLDED} LIKE '%' || {pattern} || '%'"));
        score.push_str(&format!(
            " + (length({FOLDED}) - length(replace({FOLDED}, parlor_fold(${n}), ''))) / greatest(length(parlor_fold(${n})), 1)"
        ));
    }
    if let Some(chat_id) = scope.chat_id {
        values.push(chat_id.into());
        filters.push_str(&format!(" AND m.chat_id = ${}", values.len()));
    }
    values.push(limit.into());
    let sql = format!(
        "SELECT {COLUMNS} FROM messages m \
         JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = $1 AND cm.left_at IS NULL \
         JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
         WHERE m.deleted_at IS NULL{filters} \
         ORDER BY ({score}) DESC, m.created_at DESC, m.id DESC LIMIT ${}",
        values.len()
    );
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_phrases_quote_everything_the_user_typed() {
        assert_eq!(phrase("deploy"), "\"deploy\"");
        assert_eq!(phrase("say \"hi\" NEAR(x)*"), "\"say \"\"hi\"\" NEAR(x)*\"");
    }

    #[test]
    fn short_terms_become_word_prefixes_of_their_letters() {
        assert_eq!(word_prefix("go").as_deref(), Some("\"go\"*"));
        assert_eq!(word_prefix("é!").as_deref(), Some("\"é\"*"));
        assert_eq!(word_prefix("*\""), None);
    }

    #[test]
    fn a_query_of_only_punctuation_short_terms_searches_nothing_on_sqlite() {
        let scope = Scope { user_id: Uuid::nil(), chat_id: None };
        assert!(sqlite(&scope, &["*".to_owned(), "\"".to_owned()], 10).is_none());
        assert!(sqlite(&scope, &["\"\"\"".to_owned()], 10).is_some());
    }
}
